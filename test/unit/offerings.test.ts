// Offering choice: cheapest price per utility unit, bounded by maxPrice, markets and cooldowns.
import { launchBid, rankOfferings, selectLaunchesFirstFit, spotMaxPrice, type Offering, type OfferingInput } from '../../src/domain/offerings';

const types = [
  { instanceType: 'c5.xlarge', capacity: 1, utility: 1, launchSpec: {}, secrets: {}, userData: {}, scopes: [] },
  { instanceType: 'c5.2xlarge', capacity: 2, utility: 2, launchSpec: {}, secrets: {}, userData: {}, scopes: [] },
];
const regions = ['us-west-2', 'us-east-1'].map((region) => ({ region, launchSpec: { ImageId: 'ami-12345678' }, secrets: {}, userData: {}, scopes: [] }));

function input(overrides: Partial<OfferingInput> & { def?: Partial<OfferingInput['definition']> } = {}): OfferingInput {
  const { def, ...rest } = overrides;
  return {
    definition: { instanceTypes: types, regions, availabilityZones: [], maxPrice: 0.5, canUseSpot: true, canUseOndemand: false, ...def },
    allowedRegions: ['us-west-2', 'us-east-1'],
    zones: { 'us-west-2': ['us-west-2a', 'us-west-2b'], 'us-east-1': ['us-east-1a'] },
    spotQuotes: [
      { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.1 },
      { region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', price: 0.08 },
      { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.2xlarge', price: 0.12 },
      { region: 'us-east-1', zone: 'us-east-1a', instanceType: 'c5.xlarge', price: 0.3 },
    ],
    cooldowns: [],
    now: 1_000_000,
    // us-east-1 list prices; us-west-2 dearer for c5.xlarge (as list prices differ by region).
    onDemandQuotes: [
      { region: 'us-east-1', instanceType: 'c5.xlarge', price: 0.17 }, { region: 'us-east-1', instanceType: 'c5.2xlarge', price: 0.34 },
      { region: 'us-west-2', instanceType: 'c5.xlarge', price: 0.19 }, { region: 'us-west-2', instanceType: 'c5.2xlarge', price: 0.34 },
    ],
    ...rest,
  };
}
const key = (o: Offering) => `${o.market}:${o.zone}:${o.instanceType}`;

test.each([
  ['cheapest per utility first (0.12/2 = 0.06 beats 0.08)', input(), ['spot:us-west-2a:c5.2xlarge', 'spot:us-west-2b:c5.xlarge', 'spot:us-west-2a:c5.xlarge', 'spot:us-east-1a:c5.xlarge']],
  ['maxPrice per utility unit excludes dearer offerings', input({ def: { maxPrice: 0.09 } }), ['spot:us-west-2a:c5.2xlarge', 'spot:us-west-2b:c5.xlarge']],
  ['regions outside the allowed list are ignored', input({ allowedRegions: ['us-east-1'] }), ['spot:us-east-1a:c5.xlarge']],
  ['configured zones restrict a region', input({ def: { availabilityZones: [{ region: 'us-west-2', availabilityZone: 'us-west-2b' }] } }), ['spot:us-west-2b:c5.xlarge', 'spot:us-east-1a:c5.xlarge']],
  ['an offering on cooldown is skipped until it expires', input({ cooldowns: [{ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.2xlarge', market: 'spot', until: 2_000_000 }] }), ['spot:us-west-2b:c5.xlarge', 'spot:us-west-2a:c5.xlarge', 'spot:us-east-1a:c5.xlarge']],
  ['an expired cooldown no longer applies', input({ cooldowns: [{ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.2xlarge', market: 'spot', until: 999_999 }] }), ['spot:us-west-2a:c5.2xlarge', 'spot:us-west-2b:c5.xlarge', 'spot:us-west-2a:c5.xlarge', 'spot:us-east-1a:c5.xlarge']],
  ['no spot when canUseSpot is false, and no on-demand unless allowed', input({ def: { canUseSpot: false } }), []],
  ['on-demand only when allowed, after cheaper spot', input({ def: { canUseOndemand: true, maxPrice: 0.2 } }), ['spot:us-west-2a:c5.2xlarge', 'spot:us-west-2b:c5.xlarge', 'spot:us-west-2a:c5.xlarge', 'on-demand:us-east-1a:c5.2xlarge', 'on-demand:us-east-1a:c5.xlarge', 'on-demand:us-west-2a:c5.2xlarge', 'on-demand:us-west-2b:c5.2xlarge', 'on-demand:us-west-2a:c5.xlarge', 'on-demand:us-west-2b:c5.xlarge']],
  ['on-demand at each region\'s own price: dearer us-west-2 above maxPrice, us-east-1 within', input({ def: { canUseOndemand: true, canUseSpot: false, maxPrice: 0.18 }, allowedRegions: ['us-west-2', 'us-east-1'] }), ['on-demand:us-east-1a:c5.2xlarge', 'on-demand:us-east-1a:c5.xlarge', 'on-demand:us-west-2a:c5.2xlarge', 'on-demand:us-west-2b:c5.2xlarge']],
  ['a type without an on-demand price in a region is not launched on-demand there', input({ def: { canUseOndemand: true, canUseSpot: false }, onDemandQuotes: [{ region: 'us-west-2', instanceType: 'c5.xlarge', price: 0.19 }] }), ['on-demand:us-west-2a:c5.xlarge', 'on-demand:us-west-2b:c5.xlarge']],
  ['on-demand over maxPrice is never chosen', input({ def: { canUseOndemand: true, canUseSpot: false, maxPrice: 0.16 } }), []],
  ['no price known: not eligible', input({ spotQuotes: [] }), []],
])('%s', (_name, inp, expected) => {
  expect(rankOfferings(inp).map(key)).toEqual(expected);
});

test('the spot MaxPrice is maxPrice x utility, never more', () => {
  const ranked = rankOfferings(input());
  for (const o of ranked) expect(o.maxHourlyPrice).toBeCloseTo(0.5 * o.utility, 6);
});

const offer = (instanceType: string, capacity: number): Offering => ({
  region: 'r', zone: 'z', instanceType, market: 'spot', capacity, utility: capacity, price: 0.1, pricePerUtility: 0.1 / capacity, maxHourlyPrice: 1,
});
const big = offer('big', 2);
const small = offer('small', 1);

test.each([
  ['covers the wanted capacity', [big, small], 4, 10, ['big', 'big']],
  ['may cover one instance more than wanted', [big], 3, 10, ['big', 'big']],
  ['never past the room under maxCapacity: a smaller type fills the gap', [big, small], 3, 3, ['big', 'small']],
  ['nothing fits the room', [big], 5, 1, []],
  ['no room at all', [big, small], 5, 0, []],
  ['per-offering cap spreads to the next offering', [small, big], 7, 100, ['small', 'small', 'small', 'small', 'small', 'big']],
])('selectLaunchesFirstFit (recorded iterations): %s', (_name, ranked, wanted, room, expected) => {
  const result = selectLaunchesFirstFit(ranked, wanted, room);
  expect(result.launches.map((o) => o.instanceType)).toEqual(expected);
  expect(result.launches.reduce((s, o) => s + o.capacity, 0)).toBeLessThanOrEqual(room);
});

test('selectLaunchesFirstFit respects the total launch cap and reports the shortfall', () => {
  const result = selectLaunchesFirstFit([small], 10, 100, { perOffering: 100, maxLaunches: 3 });
  expect(result.launches).toHaveLength(3);
  expect(result.shortfall).toBe(7);
});

describe('the bid of a launch: spotBid in user data is what EC2 may charge per instance-hour', () => {
  const base = { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.2xlarge', capacity: 2, utility: 2 };
  test.each<[string, Offering, number | undefined, number]>([
    ['spot: the MaxPrice submitted, not the observed price',
      { ...base, market: 'spot', price: 0.12, pricePerUtility: 0.06, maxHourlyPrice: 1 }, 1, 1],
    ['spot whose price is at the cap',
      { ...base, market: 'spot', price: 0.8, pricePerUtility: 0.4, maxHourlyPrice: 0.8 }, 0.8, 0.8],
    ['on-demand: the on-demand price, and no MaxPrice',
      { ...base, market: 'on-demand', price: 0.34, pricePerUtility: 0.17, maxHourlyPrice: 1 }, undefined, 0.34],
  ])('%s', (_name, offering, maxPrice, spotBid) => {
    expect(spotMaxPrice(offering)).toBe(maxPrice);
    expect(launchBid(offering)).toStrictEqual({
      region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.2xlarge', price: spotBid, truePrice: offering.pricePerUtility,
    });
  });

  test('every ranked offering bids within what its market charges', () => {
    for (const o of rankOfferings(input({ def: { canUseOndemand: true } }))) {
      expect(launchBid(o).price).toBe(o.market === 'spot' ? o.maxHourlyPrice : o.price);
    }
  });
});
