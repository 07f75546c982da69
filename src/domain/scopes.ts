// TaskCluster scope satisfaction, and expansion of the scope templates routes declare
// (e.g. `aws-provisioner:manage-worker-type:<workerType>`).

/**
 * Whether the scope a client has grants the scope needed: an exact match, or `have` ends in
 * `*` and `need` starts with what precedes it (`a:*` grants `a:` and `a:b`; `*` grants all).
 * A `*` in `need` is an ordinary character: `a:b` does not grant `a:*`.
 */
export function scopeMatches(have: string, need: string): boolean {
  if (have === need) {
    return true;
  }
  return have.endsWith('*') && need.startsWith(have.slice(0, -1));
}

/**
 * Whether `have` satisfies `need`, given in disjunctive normal form: any one inner list whose
 * every scope is granted. An empty outer list requires nothing; an empty inner list is met by
 * any client.
 */
export function satisfiesScopes(have: readonly string[], need: readonly (readonly string[])[]): boolean {
  if (need.length === 0) {
    return true;
  }
  return need.some((allOf) => allOf.every((scope) => have.some((h) => scopeMatches(h, scope))));
}

/** Thrown when a scope template names a parameter that has no value. */
export class ScopeTemplateError extends Error {
  readonly code = 'ScopeTemplateError';

  constructor(
    readonly template: string,
    readonly param: string,
  ) {
    super(`Scope template ${template} needs parameter ${param}, which has no value`);
    this.name = 'ScopeTemplateError';
  }
}

const PLACEHOLDER = /<([A-Za-z0-9_]+)>/g;

/**
 * Replaces each `<name>` in `template` with `params[name]`; throws ScopeTemplateError when a
 * name has no value. Values are inserted verbatim: callers must validate every parameter
 * against its identifier pattern (identifiers.ts) BEFORE expansion, so that `*`, `..` or `/`
 * can never be injected and the expanded scope names exactly the resource the request acts on.
 */
export function expandScopeTemplate(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    // Own properties only: `<constructor>` must not resolve to Object.prototype.constructor.
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (typeof value !== 'string') {
      throw new ScopeTemplateError(template, name);
    }
    return value;
  });
}
