// The references launch-planner measures the planner against, computed independently of it:
// the exact optimum by enumerating how many launches of each capacity (then, for those
// counts, the best offerings by Dinkelbach's method with a sort), and the original
// provisioner's choice (a uniformly random spot candidate per pass, bidding stopped by the
// first draw above maxPrice: see /work/shared/spec/original-aws-provisioner.md, section 3.4).
import type { Offering, OfferingInput } from '../../src/domain/offerings';
import type { Instance } from './instances';

export interface Optimum { coverage: number; ratio: number }

interface Group { capacity: number; offerings: Offering[] }

function groupsOf(ranked: readonly Offering[]): Group[] {
  const caps = [...new Set(ranked.map((o) => o.capacity))].sort((a, b) => b - a);
  return caps.map((capacity) => ({ capacity, offerings: ranked.filter((o) => o.capacity === capacity) }));
}

/** The least sum(price)/sum(utility) taking counts[g] launches of group g, each offering at most `per` times. */
function bestForCounts(groups: readonly Group[], counts: readonly number[], per: number): number {
  let lambda = Infinity;
  for (let round = 0; round < 100; round++) {
    let price = 0;
    let utility = 0;
    groups.forEach((g, i) => {
      const cost = (o: Offering) => (lambda === Infinity ? o.pricePerUtility : o.price - lambda * o.utility);
      const sorted = [...g.offerings].sort((a, b) => cost(a) - cost(b));
      let left = counts[i]!;
      for (const o of sorted) {
        const k = Math.min(per, left);
        price += k * o.price;
        utility += k * o.utility;
        left -= k;
        if (left === 0) break;
      }
    });
    const next = price / utility;
    if (!(next < lambda - 1e-15)) return Math.min(lambda, next);
    lambda = next;
  }
  return lambda;
}

/** Every vector of launch counts per group within the caps and the room, with its capacity. */
function* countVectors(groups: readonly Group[], inst: Instance, at = 0, counts: number[] = [], cap = 0, n = 0): Generator<[number[], number]> {
  if (at === groups.length) { if (n > 0) yield [counts, cap]; return; }
  const g = groups[at]!;
  const most = Math.min(g.offerings.length * inst.limits.perOffering, inst.limits.maxLaunches - n, Math.floor((inst.room - cap) / g.capacity));
  for (let j = 0; j <= most; j++) yield* countVectors(groups, inst, at + 1, [...counts, j], cap + j * g.capacity, n + j);
}

/** undefined when nothing can be launched. */
export function exactOptimum(inst: Instance): Optimum | undefined {
  const groups = groupsOf(inst.ranked);
  let coverage = 0;
  for (const [, cap] of countVectors(groups, inst)) coverage = Math.max(coverage, Math.min(cap, inst.need));
  if (coverage === 0 || inst.need <= 0) return undefined;
  let ratio = Infinity;
  for (const [counts, cap] of countVectors(groups, inst)) {
    const smallest = Math.min(...groups.filter((_, i) => counts[i]! > 0).map((g) => g.capacity));
    if (Math.min(cap, inst.need) !== coverage || cap - smallest >= inst.need) continue;
    ratio = Math.min(ratio, bestForCounts(groups, counts, inst.limits.perOffering));
  }
  return { coverage, ratio };
}

/** The original's candidates: every spot (region, zone, type) with a price, maxPrice not yet applied. */
function spotCandidates(input: OfferingInput): Offering[] {
  const def = input.definition;
  return input.spotQuotes.flatMap((q) => {
    const t = def.instanceTypes.find((x) => x.instanceType === q.instanceType);
    if (!t || !input.allowedRegions.includes(q.region)) return [];
    return [{ ...q, market: 'spot' as const, capacity: t.capacity, utility: t.utility, pricePerUtility: q.price / t.utility, maxHourlyPrice: def.maxPrice * t.utility }];
  });
}

/** The original's bids for `change` = min(need, room): random draws until covered or one is above maxPrice. */
export function originalChoice(inst: Instance, rnd: () => number): Offering[] {
  const candidates = spotCandidates(inst.input);
  const chosen: Offering[] = [];
  let change = Math.min(inst.need, inst.room);
  while (change > 0 && candidates.length > 0) {
    const c = candidates[Math.floor(rnd() * candidates.length)]!;
    if (c.pricePerUtility > inst.input.definition.maxPrice) break;
    chosen.push(c);
    change -= c.capacity;
  }
  return chosen;
}
