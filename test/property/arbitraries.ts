// Random definitions, prices and ledger states for the property tests of the decisions.
import fc from 'fast-check';
import type { OnDemandQuote, SpotQuote } from '../../src/domain/offerings';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';

export const REGIONS = ['us-east-1', 'us-west-2'];
export const ZONES: Record<string, string[]> = { 'us-east-1': ['us-east-1a', 'us-east-1b'], 'us-west-2': ['us-west-2a', 'us-west-2b', 'us-west-2c'] };
export const TYPES = ['c5.large', 'c5.xlarge', 'c5.2xlarge', 'm5.large'];

const entry = { launchSpec: {}, secrets: {}, userData: {}, scopes: [] as string[] };

export const definitionArb: fc.Arbitrary<WorkerTypeDefinition> = fc.record({
  minCapacity: fc.integer({ min: 0, max: 10 }),
  extra: fc.integer({ min: 0, max: 30 }),
  scalingRatio: fc.constantFrom(0, 0, 0.2, 0.5, -0.2),
  maxPrice: fc.double({ min: 0.01, max: 1, noNaN: true }),
  canUseSpot: fc.boolean(),
  canUseOndemand: fc.boolean(),
  types: fc.uniqueArray(fc.record({ instanceType: fc.constantFrom(...TYPES), capacity: fc.integer({ min: 1, max: 4 }), utility: fc.double({ min: 0.5, max: 4, noNaN: true }) }), { minLength: 1, maxLength: 4, selector: (t) => t.instanceType }),
  regions: fc.uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1, maxLength: 2 }),
}).map((r) => ({
  launchSpec: {}, userData: {}, secrets: {}, scopes: [], description: '', owner: '',
  minCapacity: r.minCapacity, maxCapacity: r.minCapacity + r.extra, scalingRatio: r.scalingRatio,
  minPrice: 0, maxPrice: r.maxPrice, canUseSpot: r.canUseSpot, canUseOndemand: r.canUseOndemand,
  instanceTypes: r.types.map((t) => ({ ...entry, ...t })),
  regions: r.regions.map((region) => ({ ...entry, region, launchSpec: { ImageId: 'ami-12345678' } })),
  availabilityZones: [],
}));

/** A price for some (region, zone, type) offerings; missing ones have no known price. */
export const spotQuotesArb: fc.Arbitrary<SpotQuote[]> = fc.array(fc.record({
  region: fc.constantFrom(...REGIONS), zoneIndex: fc.nat(2), instanceType: fc.constantFrom(...TYPES),
  price: fc.double({ min: 0.001, max: 2, noNaN: true }),
}), { maxLength: 20 }).map((quotes) => {
  const unique = new Map<string, SpotQuote>();
  for (const q of quotes) {
    const zones = ZONES[q.region]!;
    const zone = zones[q.zoneIndex % zones.length]!;
    unique.set(`${q.region}/${zone}/${q.instanceType}`, { region: q.region, zone, instanceType: q.instanceType, price: q.price });
  }
  return [...unique.values()];
});

/** On-demand prices for some (region, type) pairs; missing ones have no known price there. */
export const onDemandArb: fc.Arbitrary<OnDemandQuote[]> = fc.uniqueArray(fc.record({
  region: fc.constantFrom(...REGIONS), instanceType: fc.constantFrom(...TYPES), price: fc.double({ min: 0.01, max: 2, noNaN: true }),
}), { maxLength: 8, selector: (q) => `${q.region}/${q.instanceType}` });
