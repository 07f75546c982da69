// The exact launch selection: coverage first, no superfluous launch, then the least price per
// utility unit of the whole set, within the room, the per-offering and the total caps.
import { selectLaunches, selectLaunchesFirstFit, type Offering } from '../../src/domain/offerings';
import { bruteForceOptimum } from '../support/launch-optimum';

/** An offering in zone `zone` of `capacity` (utility = capacity unless given) at `price` per instance-hour. */
function offer(name: string, capacity: number, price: number, utility = capacity, zone = 'us-west-2a'): Offering {
  return {
    region: 'us-west-2', zone, instanceType: name, market: 'spot', capacity, utility, price,
    pricePerUtility: price / utility, maxHourlyPrice: 1,
  };
}
const ranked = (...offerings: Offering[]) => [...offerings].sort((a, b) => a.pricePerUtility - b.pricePerUtility);
const names = (launches: readonly Offering[]) => launches.map((o) => `${o.instanceType}@${o.zone.slice(-1)}`);
const ratio = (launches: readonly Offering[]) => launches.reduce((s, o) => s + o.price, 0) / launches.reduce((s, o) => s + o.utility, 0);
const wide = { perOffering: 50, maxLaunches: 50 };

const c3 = [offer('c3.xlarge', 1, 0.05), offer('c3.2xlarge', 2, 0.12)];
const tight = [offer('three', 3, 0.15), offer('two', 2, 0.12), offer('one', 1, 0.1)];
const halfAndWhole = [offer('a', 1, 0.05), offer('b', 2, 0.11)];
const cheapSmall = [offer('small', 1, 0.01), offer('large', 4, 0.2)];
const coverOrPrice = [offer('four', 4, 0.2), offer('two', 2, 0.12), offer('one', 1, 0.5)];
const sameSize = [offer('x', 1, 0.05, 1, 'us-west-2a'), offer('x', 1, 0.05, 1, 'us-west-2b')];
const sameRatio = [offer('big', 2, 0.1), offer('small', 1, 0.05)];
const utilities = [offer('fast', 2, 0.16, 4), offer('slow', 2, 0.1, 2)];

test.each<[string, Offering[], number, number, { perOffering: number; maxLaunches: number }, string[], number]>([
  ['the original example: three c3.xlarge beat mixing in the dearer c3.2xlarge', c3, 3, 20, wide, ['c3.xlarge@a', 'c3.xlarge@a', 'c3.xlarge@a'], 0],
  ['the room forces a mix: two "two" (0.060) beat first-fit\'s three + one (0.0625)', tight, 4, 4, wide, ['two@a', 'two@a'], 0],
  ['no superfluous launch: first-fit\'s a + b leaves a removable; b alone covers', halfAndWhole, 2, 10, { perOffering: 1, maxLaunches: 50 }, ['b@a'], 0],
  ['the total cap: first-fit covers 3 with cheap small ones, three large cover all 10', cheapSmall, 10, 100, { perOffering: 5, maxLaunches: 3 }, ['large@a', 'large@a', 'large@a'], 0],
  ['the per-offering cap spreads over offerings', [offer('a', 1, 0.05), offer('b', 1, 0.06)], 7, 100, { perOffering: 5, maxLaunches: 50 }, ['a@a', 'a@a', 'a@a', 'a@a', 'a@a', 'b@a', 'b@a'], 0],
  ['coverage before price: an uncoverable need covers the most the room allows', coverOrPrice, 6, 5, wide, ['four@a', 'one@a'], 1],
  ['uncoverable by the caps: the shortfall is what is left', [offer('a', 1, 0.05)], 10, 100, { perOffering: 5, maxLaunches: 50 }, ['a@a', 'a@a', 'a@a', 'a@a', 'a@a'], 5],
  ['nothing fits the room', [offer('big', 2, 0.1)], 5, 1, wide, [], 5],
  ['no room at all', c3, 5, 0, wide, [], 5],
  ['nothing wanted', c3, 0, 10, wide, [], 0],
  ['nothing offered', [], 3, 10, wide, [], 3],
  ['utility, not capacity, divides the price: the fast type at 0.04 per unit', utilities, 4, 10, wide, ['fast@a', 'fast@a'], 0],
  ['ties: the offering ranked first', sameSize, 1, 10, wide, ['x@a'], 0],
  ['ties: the fewest launches at the same ratio and capacity', sameRatio, 2, 10, wide, ['big@a'], 0],
  ['ties: the least total capacity, then the fewest launches', sameRatio, 3, 10, wide, ['big@a', 'small@a'], 0],
])('%s', (_name, offerings, wanted, room, limits, expected, shortfall) => {
  const sorted = ranked(...offerings);
  const result = selectLaunches(sorted, wanted, room, limits);
  expect(names(result.launches)).toEqual(expected);
  expect(result.shortfall).toBe(shortfall);
  const optimum = bruteForceOptimum(sorted, wanted, room, { ...limits, perOffering: Math.min(limits.perOffering, 10) });
  if (optimum) expect(ratio(result.launches)).toBeCloseTo(optimum.ratio, 12);
  else expect(result.launches).toEqual([]);
});

test.each<[string, Offering[], number, number, { perOffering: number; maxLaunches: number }]>([
  ['the room', tight, 4, 4, wide],
  ['superfluity', halfAndWhole, 2, 10, { perOffering: 1, maxLaunches: 50 }],
  ['the total cap', cheapSmall, 10, 100, { perOffering: 5, maxLaunches: 3 }],
])('first-fit is not optimal where the exact choice is (%s)', (_name, offerings, wanted, room, limits) => {
  const sorted = ranked(...offerings);
  const exact = selectLaunches(sorted, wanted, room, limits);
  const firstFit = selectLaunchesFirstFit(sorted, wanted, room, limits);
  const covered = (s: typeof exact) => wanted - s.shortfall;
  const capacity = (s: typeof exact) => s.launches.reduce((n, o) => n + o.capacity, 0);
  const superfluous = (s: typeof exact) => capacity(s) - Math.min(...s.launches.map((o) => o.capacity)) >= wanted;
  const better = covered(exact) > covered(firstFit) || superfluous(firstFit) || ratio(exact.launches) < ratio(firstFit.launches) - 1e-12;
  expect(better).toBe(true);
  expect(superfluous(exact)).toBe(false);
});

test('the same inputs give the same launches, in ranked order', () => {
  const offerings = ranked(...tight, ...c3, ...sameSize);
  const first = selectLaunches(offerings, 17, 30, { perOffering: 3, maxLaunches: 10 });
  expect(selectLaunches(offerings, 17, 30, { perOffering: 3, maxLaunches: 10 })).toEqual(first);
  const order = first.launches.map((o) => offerings.indexOf(o));
  expect(order).toEqual([...order].sort((a, b) => a - b));
});

test('capacities sharing a factor are solved on the reduced scale with the same answer', () => {
  const scaled = ranked(offer('three', 300, 15), offer('two', 200, 12), offer('one', 100, 10));
  expect(names(selectLaunches(scaled, 350, 400, wide).launches)).toEqual(['two@a', 'two@a']);
});

test('inputs beyond the exact work limit fall back to first-fit', () => {
  const huge = ranked(offer('huge', 1000, 1), offer('unit', 1, 0.002));
  const limits = { perOffering: 50, maxLaunches: 200 };
  expect(selectLaunches(huge, 100_000, 100_000, limits)).toEqual(selectLaunchesFirstFit(huge, 100_000, 100_000, limits));
});
