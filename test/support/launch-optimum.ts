// The exact optimum of a launch selection by exhaustive enumeration, straight from the
// definition in src/domain/launch-selection.ts: every multiset of the offerings within the
// caps and the room, the best coverage, no superfluous launch, then the least
// sum(price) / sum(utility). Exponential: only for a handful of offerings.
import type { LaunchLimits } from '../../src/domain/launch-selection';
import type { Offering } from '../../src/domain/offerings';

export interface Optimum { coverage: number; ratio: number; capacity: number; count: number }

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/** Every count vector (one count per offering, each 0..perOffering). */
function* countVectors(size: number, max: number): Generator<number[]> {
  const counts = new Array<number>(size).fill(0);
  for (;;) {
    yield [...counts];
    let i = 0;
    while (i < size && counts[i] === max) counts[i++] = 0;
    if (i === size) return;
    counts[i]!++;
  }
}

/** undefined when the best is to launch nothing (nothing needed, nothing fits). */
export function bruteForceOptimum(offerings: readonly Offering[], need: number, room: number, limits: LaunchLimits): Optimum | undefined {
  const sets: { cap: number; count: number; price: number; utility: number; smallest: number }[] = [];
  for (const counts of countVectors(offerings.length, limits.perOffering)) {
    const count = sum(counts);
    const cap = sum(counts.map((k, i) => k * offerings[i]!.capacity));
    if (count === 0 || count > limits.maxLaunches || cap > room) continue;
    sets.push({
      cap, count,
      price: sum(counts.map((k, i) => k * offerings[i]!.price)),
      utility: sum(counts.map((k, i) => k * offerings[i]!.utility)),
      smallest: Math.min(...offerings.filter((_, i) => counts[i]! > 0).map((o) => o.capacity)),
    });
  }
  const coverage = Math.max(0, ...sets.map((s) => Math.min(s.cap, need)));
  if (coverage === 0) return undefined;
  const feasible = sets.filter((s) => Math.min(s.cap, need) === coverage && s.cap - s.smallest < need);
  const best = feasible.reduce((a, b) => (b.price / b.utility < a.price / a.utility ? b : a));
  return { coverage, ratio: best.price / best.utility, capacity: best.cap, count: best.count };
}
