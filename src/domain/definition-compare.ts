// Idempotent create: a repeated create with the same definition succeeds, a different one
// conflicts. As in the original, `description` and `owner` are not part of the comparison.

const COMPARED_KEYS = [
  'launchSpec', 'userData', 'secrets', 'scopes', 'minCapacity', 'maxCapacity', 'scalingRatio',
  'minPrice', 'maxPrice', 'canUseOndemand', 'canUseSpot', 'instanceTypes', 'regions', 'availabilityZones',
] as const;

/** Structural equality of JSON values (key order of objects does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const keysB = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return keys.length === keysB.length && keys.every((k) => jsonEqual(ra[k], rb[k]));
}

/** True when two (defaulted) definitions provision the same way. */
export function sameDefinition(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return COMPARED_KEYS.every((key) => jsonEqual(a[key], b[key]));
}
