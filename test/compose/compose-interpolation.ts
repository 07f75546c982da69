// Compose's variable interpolation, as the compose specification defines it, for checking a
// compose file without Docker: `$$` escapes a dollar; `$VAR`, `${VAR}`, `${VAR:-default}`,
// `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+other}` and `${VAR+other}`
// are replaced from the environment compose runs in. Nested references in defaults are not
// supported (the file under test does not use them).

export type ShellEnv = Record<string, string | undefined>;

export interface InterpolationResult<T> {
  value: T;
  /** `${VAR:?message}` / `${VAR?message}` references whose variable was missing, with their message. */
  missingRequired: Map<string, string>;
  /** Plain references to unset variables: compose replaces them with "" and only warns. */
  unsetPlain: Set<string>;
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const TOKEN = new RegExp(`\\$(?:(\\$)|\\{(${NAME})(?:(:?[-?+])([^}]*))?\\}|(${NAME})|)`, 'g');

/** Throws on a `$` that starts no valid reference, as compose does ("invalid template"). */
export function interpolateString(text: string, env: ShellEnv, result: Omit<InterpolationResult<unknown>, 'value'>): string {
  return text.replace(TOKEN, (_match: string, dollar?: string, braced?: string, op?: string, arg?: string, bare?: string, offset?: number) => {
    if (dollar) return '$';
    const name = braced ?? bare;
    if (!name) throw new Error(`invalid interpolation at "${text.slice(offset, (offset ?? 0) + 20)}" (write $$ for a literal $)`);
    const value = env[name];
    const set = value !== undefined;
    const setNonEmpty = set && value !== '';
    switch (op) {
      case undefined:
        if (!set) result.unsetPlain.add(name);
        return value ?? '';
      case ':-': return setNonEmpty ? value : (arg ?? '');
      case '-': return set ? value : (arg ?? '');
      case ':?':
      case '?':
        if (op === ':?' ? !setNonEmpty : !set) {
          result.missingRequired.set(name, arg ?? '');
          return '';
        }
        return value!;
      case ':+': return setNonEmpty ? (arg ?? '') : '';
      case '+': return set ? (arg ?? '') : '';
      default: throw new Error(`unsupported interpolation operator ${op}`);
    }
  });
}

/** Interpolates every string value (not key) of a parsed compose document. */
export function interpolate<T>(doc: T, env: ShellEnv): InterpolationResult<T> {
  const result = { missingRequired: new Map<string, string>(), unsetPlain: new Set<string>() };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return interpolateString(node, env, result);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
    }
    return node;
  };
  return { value: walk(doc) as T, ...result };
}

/**
 * The environment a container of an (interpolated) service gets: `KEY: value` and `KEY=value`
 * entries as written, and `KEY:` / `KEY` entries passed through from the shell when set there.
 */
export function containerEnvironment(environment: unknown, shell: ShellEnv): Record<string, string> {
  const entries: [string, string | undefined][] = Array.isArray(environment)
    ? (environment as string[]).map((item) => {
      const eq = item.indexOf('=');
      return eq < 0 ? [item, shell[item]] : [item.slice(0, eq), item.slice(eq + 1)];
    })
    : Object.entries((environment ?? {}) as Record<string, string | number | boolean | null>)
      .map(([key, value]) => [key, value === null ? shell[key] : String(value)]);
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
}
