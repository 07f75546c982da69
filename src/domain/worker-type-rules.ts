// Everything that makes a worker type definition unacceptable to the API, beyond what the
// JSON schema can say: cross-field bounds, regions this deployment may use, and every
// launch specification the definition can produce (spec §2.3).
import { PLACEHOLDER_SECURITY_TOKEN, type LaunchContext } from './launch-spec';
import { testLaunchSpecs } from './launch-spec-matrix';
import type { WorkerTypeDefinition } from './worker-type';

/**
 * Reasons the definition cannot be accepted, each naming the field; [] when acceptable.
 * Builds its launch specs once (testLaunchSpecs); nothing else in a create or update does.
 */
export function workerTypeProblems(
  name: string,
  def: WorkerTypeDefinition,
  allowedRegions: readonly string[],
  ctx: Omit<LaunchContext, 'securityToken' | 'now'>,
): string[] {
  const reasons: string[] = [];
  if ((def.minCapacity ?? 0) > def.maxCapacity) reasons.push('minCapacity: must not exceed maxCapacity');
  if (def.minPrice > def.maxPrice) reasons.push('minPrice: must not exceed maxPrice');
  def.regions.forEach((entry, i) => {
    if (!allowedRegions.includes(entry.region)) {
      reasons.push(`regions/${i}/region: ${entry.region} is not one of the allowed regions (${allowedRegions.join(', ')})`);
    }
  });
  const probe = { ...def, workerType: name, lastModified: '1970-01-01T00:00:00.000Z' };
  const specs = testLaunchSpecs(probe, { ...ctx, securityToken: PLACEHOLDER_SECURITY_TOKEN, now: probe.lastModified });
  if (!specs.ok) reasons.push(...specs.reasons);
  return [...new Set(reasons)];
}
