// Makes sure the namespace knows the custom search attributes (./search-attributes.ts) before
// any workflow starts: Temporal refuses to start a workflow whose search attributes are not
// registered ("Namespace default has no mapping defined for search attribute WorkerType").
//
// Contract: idempotent and safe when several replicas start at once (an attribute another
// replica added meanwhile, "already exists", is success). Where the server refuses
// (PERMISSION_DENIED, as Temporal Cloud does for the operator service), the error names the
// `temporal` command an operator runs once to register them.
import type { Connection } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import { INDEXED_VALUE_TYPES, searchAttributeCliTypes, type SearchAttributeCliType } from './search-attributes';

const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;

type Operator = Pick<Connection, 'operatorService'>;
type Wanted = Record<string, SearchAttributeCliType>;

/** The attributes cannot be registered from here: an operator must run `command`. */
export class SearchAttributesMissingError extends Error {
  constructor(readonly namespace: string, readonly missing: Wanted, reason: string, options?: { cause?: unknown }) {
    super(`Search attributes ${Object.keys(missing).join(', ')} are not registered in Temporal namespace ${namespace} `
      + `and ${reason}. Register them once with: ${registrationCommand(namespace, missing)}`, options);
    this.name = 'SearchAttributesMissingError';
  }
}

/**
 * The CLI's command: `--name` repeats, `--type` is one value per command, so attributes of
 * different types need one command each (joined with `&&`).
 */
export function registrationCommand(namespace: string, attributes: Wanted): string {
  const byType = new Map<SearchAttributeCliType, string[]>();
  for (const [name, type] of Object.entries(attributes)) byType.set(type, [...(byType.get(type) ?? []), name]);
  return [...byType].map(([type, names]) => `temporal operator search-attribute create --namespace ${namespace} `
    + `${names.map((n) => `--name ${n}`).join(' ')} --type ${type}`).join(' && ');
}

const refused = (err: unknown) => isGrpcServiceError(err) && (err.code === PERMISSION_DENIED || err.code === UNIMPLEMENTED);

/**
 * The wanted attributes the namespace lacks. Throws when one exists with another type (no
 * workflow could set it) and SearchAttributesMissingError when the server will not list them.
 */
export async function missingSearchAttributes(connection: Operator, namespace: string, wanted: Wanted = searchAttributeCliTypes()): Promise<Wanted> {
  let custom: Record<string, number>;
  try {
    custom = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    if (refused(err)) throw new SearchAttributesMissingError(namespace, wanted, 'this identity may not list them', { cause: err });
    throw err;
  }
  const missing: Wanted = {};
  for (const [name, type] of Object.entries(wanted)) {
    const have = custom[name];
    if (have === undefined || have === null) missing[name] = type;
    else if (have !== INDEXED_VALUE_TYPES[type]) {
      const actual = Object.entries(INDEXED_VALUE_TYPES).find(([, v]) => v === have)?.[0] ?? String(have);
      throw new Error(`Search attribute ${name} exists in Temporal namespace ${namespace} with type ${actual}; it must be ${type}`);
    }
  }
  return missing;
}

/** Registers the attributes the namespace lacks; returns the names it added. */
export async function ensureSearchAttributes(connection: Operator, namespace: string, wanted: Wanted = searchAttributeCliTypes()): Promise<string[]> {
  const missing = await missingSearchAttributes(connection, namespace, wanted);
  if (Object.keys(missing).length === 0) return [];
  const searchAttributes = Object.fromEntries(Object.entries(missing).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    if (refused(err)) throw new SearchAttributesMissingError(namespace, missing, 'this identity may not register them', { cause: err });
    if (!(isGrpcServiceError(err) && err.code === ALREADY_EXISTS)) throw err;
    // Another replica registered them first; check it registered all of them, with our types.
    const still = await missingSearchAttributes(connection, namespace, missing);
    if (Object.keys(still).length > 0) throw err;
  }
  return Object.keys(missing);
}
