// Concurrent updateWorkerType bodies built so that a lost update shows in the final definition.
import { workerTypeDefinition } from './fixtures';

/** The optional fields an update may leave out (the stored values are kept). */
const OPTIONAL_FIELDS = ['minCapacity', 'canUseOndemand', 'canUseSpot', 'availabilityZones'];

/** One change per optional field, each away from workerTypeDefinition's value; none makes another invalid. */
export const PARTIAL_CHANGES: Record<string, unknown>[] = [
  { minCapacity: 1 },
  { canUseOndemand: true },
  { availabilityZones: [{ region: 'us-west-2', availabilityZone: 'us-west-2a', launchSpec: {}, userData: { zone: 'a' } }] },
];

/**
 * `count` update bodies: the first PARTIAL_CHANGES.length each set one optional field, every
 * other body leaves all optional fields out. An update that writes what it merged from a read
 * older than another's write puts that optional field back: then the final definition misses
 * one of PARTIAL_CHANGES. `overrides(i)` sets body i's required fields (last writer wins there).
 */
export function partialUpdates(count: number, overrides: (i: number) => Record<string, unknown>): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const body = workerTypeDefinition(overrides(i));
    for (const field of OPTIONAL_FIELDS) delete body[field];
    return { ...body, ...PARTIAL_CHANGES[i] };
  });
}

/** The definition that has every one of PARTIAL_CHANGES. */
export const withEveryChange = (): Record<string, unknown> => Object.assign({}, ...PARTIAL_CHANGES);
