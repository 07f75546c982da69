// `testLaunchSpecs` (spec §2.3): checks that a worker type yields a launch spec for every
// region x zone x instance type it lists, and builds one per region x instance type. Only the
// built ones copy and serialise the definition's objects; the other combinations are checked
// from the sizes of its levels (launch-spec-limits.ts), so the work of one call is bounded by
// the definition's size times its zones, whatever it holds.

import {
  buildCombination, layeredProblems, userDataOf, whereOf, zonesOfRegion, type Combination,
} from './launch-combination';
import type { LaunchContext, LaunchInfo } from './launch-spec';
import {
  baseSizes, combinationSizes, levelSizes, sizeProblems, totalSizeProblem, type BaseSizes, type LevelSizes,
} from './launch-spec-limits';
import { definitionProblems } from './launch-spec-rules';
import { userDataBytesAtAnyPrice, userDataTextBytes } from './user-data';
import type { AvailabilityZoneEntry, InstanceTypeEntry, RegionEntry, WorkerType } from './worker-type';

export type LaunchSpecsByRegion = Record<string, Record<string, LaunchInfo>>;

export type TestLaunchSpecsResult = { ok: true; specs: LaunchSpecsByRegion } | { ok: false; reasons: string[] };

/** Reasons listed from the combinations; a definition too big everywhere gives one per combination. */
export const MAX_COMBINATION_REASONS = 20;

/** The bid prices of a check, as in the original (price 1, truePrice 1). */
const DUMMY_PRICE = 1;

interface Zone { name: string; entry?: AvailabilityZoneEntry }
interface SizedType { entry: InstanceTypeEntry; sizes: LevelSizes }

/** The zones tried for a region: its configured zones, or a stand-in `<region>a`. */
function zonesToTry(def: WorkerType, region: string): Zone[] {
  const configured = zonesOfRegion(def, region).map((entry) => ({ name: entry.availabilityZone, entry }));
  return configured.length > 0 ? configured : [{ name: `${region}a` }];
}

function combination(region: RegionEntry, zone: Zone, type: InstanceTypeEntry): Combination {
  const bid = { region: region.region, zone: zone.name, instanceType: type.instanceType, price: DUMMY_PRICE, truePrice: DUMMY_PRICE };
  return { bid, region, zone: zone.entry, type };
}

/** Every reason `c` cannot launch, from sizes alone (nothing is copied or serialised), and its size. */
function combinationProblems(
  def: WorkerType, c: Combination, ctx: LaunchContext, base: BaseSizes, tops: LevelSizes[],
): { reasons: string[]; bytes: number } {
  const sizes = combinationSizes(base, tops);
  const fields = userDataOf(def, c, ctx, {});
  const userDataBytes = userDataBytesAtAnyPrice(userDataTextBytes(fields, sizes.userData), fields);
  return {
    reasons: [...layeredProblems(def, c), ...sizeProblems(whereOf(c), userDataBytes, sizes.launchSpec)],
    bytes: userDataBytes + sizes.launchSpec,
  };
}

/**
 * Checks every combination; returns the reasons found and, per region (in the order of
 * `def.regions`), the combination kept for each instance type: the last zone's.
 */
function checkCombinations(def: WorkerType, ctx: LaunchContext): { reasons: string[]; kept: Combination[][] } {
  const reasons = new Set<string>();
  let total = 0;
  const global = levelSizes(def);
  const types: SizedType[] = def.instanceTypes.map((entry) => ({ entry, sizes: levelSizes(entry) }));
  const kept = def.regions.map((region) => {
    const base = baseSizes([global, levelSizes(region)]);
    const zones = zonesToTry(def, region.region);
    const last: Combination[] = [];
    zones.forEach((zone, i) => {
      const zoneSizes = levelSizes(zone.entry ?? { launchSpec: {} });
      for (const type of types) {
        const c = combination(region, zone, type.entry);
        const checked = combinationProblems(def, c, ctx, base, [zoneSizes, type.sizes]);
        checked.reasons.forEach((reason) => reasons.add(reason));
        if (i === zones.length - 1) {
          last.push(c);
          total += checked.bytes;
        }
      }
    });
    return last;
  });
  const totalProblem = totalSizeProblem(total);
  return { reasons: totalProblem ? [...reasons, totalProblem] : [...reasons], kept };
}

function capped(reasons: string[]): string[] {
  if (reasons.length <= MAX_COMBINATION_REASONS) return reasons;
  const more = reasons.length - MAX_COMBINATION_REASONS;
  return [...reasons.slice(0, MAX_COMBINATION_REASONS), `and ${more} more reasons like these`];
}

/**
 * Checks `def` for every region x instance type x zone (configured zones, or a stand-in
 * `<region>a`) with a dummy bid (price 1, truePrice 1), and collects every distinct reason.
 * When there is none, builds one launch spec per region x instance type: where several zones
 * of a region apply, the last zone's, as in the original. Never throws.
 */
export function testLaunchSpecs(def: WorkerType, ctx: LaunchContext): TestLaunchSpecsResult {
  const problems = definitionProblems(def);
  if (problems.length > 0) return { ok: false, reasons: [...new Set(problems)] };
  const { reasons, kept } = checkCombinations(def, ctx);
  if (reasons.length > 0) return { ok: false, reasons: capped(reasons) };
  const failures: string[] = [];
  const byRegion = def.regions.map((region, i) => {
    const byType = (kept[i] ?? []).flatMap((c) => {
      const result = buildCombination(def, c, ctx);
      if (result.ok) return [[c.bid.instanceType, result.launchInfo] as const];
      failures.push(...result.reasons);
      return [];
    });
    // Object.fromEntries keeps a name such as `__proto__` an ordinary key.
    return [region.region, Object.fromEntries(byType)] as const;
  });
  return failures.length > 0 ? { ok: false, reasons: [...new Set(failures)] } : { ok: true, specs: Object.fromEntries(byRegion) };
}
