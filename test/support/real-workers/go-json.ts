// Decoding JSON the way Go's encoding/json fills a typed struct, for the simulators of the Go
// workers (generic-worker, worker-runner). Contract of `decodeStruct`: it returns the decoded
// fields or throws `GoDecodeError` on the first mismatch Go would report: a value of the wrong
// JSON type for its field, a number that does not fit an integer field, a time that is not
// RFC 3339, an IP that does not parse, and (with `disallowUnknown`) a key the struct lacks.
// As in Go, keys match field names case-insensitively (an exact match wins) and `null` leaves
// a field at its zero value. Limitation: JSON.parse cannot tell `2.0` from `2`, which Go
// rejects for an int; JSON.stringify never writes `2.0`, so the provisioner cannot send it.
import { isIP } from 'node:net';

export class GoDecodeError extends Error {
  override readonly name = 'GoDecodeError';
}

/** Go field types the workers' structs use. `raw` is json.RawMessage or interface{}: anything. */
export type GoKind = 'string' | 'int' | 'uint' | 'uint16' | 'float64' | 'bool' | 'time' | 'ip' | 'map' | 'struct' | 'array' | 'raw';

export type GoStruct = Record<string, GoKind>;

/** Go's time.Time.UnmarshalJSON layout (RFC 3339, fractional seconds optional). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

function validRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const zoneOk = m[8] === 'Z' || (Number(m[9]) < 24 && Number(m[10]) < 60);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60 && zoneOk;
}

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function integerIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** True when Go would accept `value` for a field of `kind`. */
export function fitsKind(kind: GoKind, value: unknown): boolean {
  if (value === null || kind === 'raw') return true;
  switch (kind) {
    case 'string': return typeof value === 'string';
    case 'int': return integerIn(value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'uint': return integerIn(value, 0, Number.MAX_SAFE_INTEGER);
    case 'uint16': return integerIn(value, 0, 65535);
    case 'float64': return typeof value === 'number';
    case 'bool': return typeof value === 'boolean';
    case 'time': return typeof value === 'string' && validRfc3339(value);
    // net.IP.UnmarshalText: "" is a nil IP, anything else must parse.
    case 'ip': return typeof value === 'string' && (value === '' || isIP(value) !== 0);
    case 'map':
    case 'struct': return jsonType(value) === 'object';
    case 'array': return Array.isArray(value);
  }
}

/** The field a JSON key fills: the exact name, else the first case-insensitive match. */
function fieldFor(shape: GoStruct, key: string): string | undefined {
  if (Object.hasOwn(shape, key)) return key;
  return Object.keys(shape).find((f) => f.toLowerCase() === key.toLowerCase());
}

/**
 * Decodes `value` into a struct of `shape`. `where` names the struct in error messages.
 * Returns the fields that were present (by field name); absent and null fields are omitted.
 */
export function decodeStruct(value: unknown, shape: GoStruct, where: string, disallowUnknown = false): Record<string, unknown> {
  if (value === null) return {};
  if (jsonType(value) !== 'object') throw new GoDecodeError(`json: cannot unmarshal ${jsonType(value)} into Go value of type ${where}`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = fieldFor(shape, key);
    if (field === undefined) {
      if (disallowUnknown) throw new GoDecodeError(`json: unknown field "${key}" in ${where}`);
      continue;
    }
    const kind = shape[field]!;
    if (!fitsKind(kind, v)) {
      throw new GoDecodeError(`json: cannot unmarshal ${jsonType(v)} ${JSON.stringify(v)} into Go struct field ${where}.${field} of type ${kind}`);
    }
    if (v !== null) out[field] = v;
  }
  return out;
}

/** Parses JSON text as Go's decoder would before filling a struct; throws GoDecodeError. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GoDecodeError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}
