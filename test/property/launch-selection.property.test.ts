// The exact launch selection against exhaustive enumeration on small random instances: the
// same coverage and the same least price per utility unit, every time; and its invariants
// (room, caps, no superfluous launch) on larger ones.
import fc from 'fast-check';
import { selectLaunches, type Offering } from '../../src/domain/offerings';
import { bruteForceOptimum } from '../support/launch-optimum';

const offeringArb = fc.record({
  capacity: fc.integer({ min: 1, max: 4 }),
  utility: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.double({ min: 0.5, max: 4, noNaN: true })),
  price: fc.oneof(fc.constantFrom(0.05, 0.1, 0.2), fc.double({ min: 0.001, max: 2, noNaN: true })),
});

function instanceArb(maxOfferings: number, maxPerOffering: number) {
  return fc.record({
    offerings: fc.array(offeringArb, { minLength: 0, maxLength: maxOfferings }),
    need: fc.integer({ min: 0, max: 14 }),
    room: fc.integer({ min: 0, max: 20 }),
    perOffering: fc.integer({ min: 1, max: maxPerOffering }),
    maxLaunches: fc.integer({ min: 1, max: 8 }),
  }).map((r) => ({
    ...r,
    ranked: r.offerings
      .map((o, i): Offering => ({
        region: 'us-west-2', zone: `us-west-2${'abcdef'[i]}`, instanceType: `t${i}`, market: 'spot', ...o,
        pricePerUtility: o.price / o.utility, maxHourlyPrice: 10,
      }))
      .sort((a, b) => a.pricePerUtility - b.pricePerUtility),
  }));
}

const total = (launches: readonly Offering[], f: (o: Offering) => number) => launches.reduce((s, o) => s + f(o), 0);

test('equals the exhaustive optimum: coverage, then price per utility unit', () => {
  fc.assert(fc.property(instanceArb(5, 3), ({ ranked, need, room, perOffering, maxLaunches }) => {
    const limits = { perOffering, maxLaunches };
    const { launches, shortfall } = selectLaunches(ranked, need, room, limits);
    const optimum = bruteForceOptimum(ranked, need, room, limits);
    if (!optimum) return launches.length === 0 && shortfall === Math.max(0, need);
    const ratio = total(launches, (o) => o.price) / total(launches, (o) => o.utility);
    return need - shortfall === optimum.coverage && Math.abs(ratio - optimum.ratio) <= 1e-9 * optimum.ratio;
  }), { numRuns: 1500 });
});

test('never past the room, the caps, or with a superfluous launch', () => {
  fc.assert(fc.property(instanceArb(6, 6), ({ ranked, need, room, perOffering, maxLaunches }) => {
    const { launches, shortfall } = selectLaunches(ranked, need, room, { perOffering, maxLaunches });
    const capacity = total(launches, (o) => o.capacity);
    const perOfferingOk = ranked.every((o) => launches.filter((l) => l === o).length <= perOffering);
    const smallest = Math.min(...launches.map((o) => o.capacity));
    return capacity <= room && launches.length <= maxLaunches && perOfferingOk
      && (launches.length === 0 || capacity - smallest < need) && shortfall === Math.max(0, need - capacity);
  }), { numRuns: 1500 });
});
