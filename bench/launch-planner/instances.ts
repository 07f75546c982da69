// Random realistic planning instances for launch-planner: a few instance types of a worker
// type, 4 regions and 16 zones, spot prices below the on-demand list prices, some offerings
// above maxPrice or cooling down, a need from a few to a few hundred, the room under
// maxCapacity sometimes the tighter bound. Seeded, so every run sees the same instances.
import { rankOfferings, type Cooldown, type Offering, type OfferingInput } from '../../src/domain/offerings';

/** mulberry32: a small seeded PRNG (the bench must be reproducible; domain code never draws). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATALOG = [
  { instanceType: 'm5.large', capacity: 1, utility: 1 },
  { instanceType: 'c5.xlarge', capacity: 2, utility: 2.2 },
  { instanceType: 'r5.xlarge', capacity: 2, utility: 1.8 },
  { instanceType: 'c5.2xlarge', capacity: 4, utility: 4.3 },
  { instanceType: 'c5.4xlarge', capacity: 8, utility: 8.5 },
];
const ZONES: Record<string, string[]> = {
  'us-east-1': ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => `us-east-1${z}`),
  'us-west-2': ['a', 'b', 'c', 'd'].map((z) => `us-west-2${z}`),
  'us-east-2': ['a', 'b', 'c'].map((z) => `us-east-2${z}`),
  'eu-central-1': ['a', 'b', 'c'].map((z) => `eu-central-1${z}`),
};
/** USD per utility unit-hour on demand (about a c5's). */
const UNIT_PRICE = 0.085;

export interface Instance {
  input: OfferingInput;
  ranked: Offering[];
  need: number;
  room: number;
  limits: { perOffering: number; maxLaunches: number };
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const between = (rnd: () => number, lo: number, hi: number) => lo + rnd() * (hi - lo);

function needOf(rnd: () => number): number {
  const r = rnd();
  const [lo, hi] = r < 0.5 ? [1, 20] : r < 0.85 ? [20, 100] : [100, 300];
  return Math.floor(between(rnd, lo, hi + 1));
}

export function randomInstance(rnd: () => number): Instance {
  const types = CATALOG.filter(() => rnd() < 0.6);
  if (types.length === 0) types.push(pick(rnd, CATALOG));
  const regions = Object.keys(ZONES);
  const regionFactor = Object.fromEntries(regions.map((r) => [r, between(rnd, 1, 1.2)]));
  const onDemandQuotes = regions.flatMap((region) => types.map((t) => ({ region, instanceType: t.instanceType, price: UNIT_PRICE * t.utility * regionFactor[region]! })));
  const spotQuotes = regions.flatMap((region) => ZONES[region]!.flatMap((zone) => types.map((t) => ({
    region, zone, instanceType: t.instanceType, price: UNIT_PRICE * t.utility * regionFactor[region]! * between(rnd, 0.25, 0.9),
  }))));
  const cooldowns: Cooldown[] = spotQuotes.filter(() => rnd() < 0.08).map((q) => ({ ...q, market: 'spot', until: 2 }));
  const entry = { launchSpec: {}, secrets: {}, userData: {}, scopes: [] as string[] };
  const input: OfferingInput = {
    definition: {
      instanceTypes: types.map((t) => ({ ...entry, ...t })),
      regions: regions.map((region) => ({ ...entry, region })),
      availabilityZones: [], maxPrice: UNIT_PRICE * between(rnd, 0.4, 1.1),
      canUseSpot: true, canUseOndemand: rnd() < 0.5,
    },
    allowedRegions: regions, zones: ZONES, spotQuotes, onDemandQuotes, cooldowns, now: 1,
  };
  const need = needOf(rnd);
  const room = rnd() < 0.7 ? need + Math.floor(between(rnd, 0, 50)) : Math.floor(need * between(rnd, 0.3, 1.2));
  return { input, ranked: rankOfferings(input), need, room, limits: { perOffering: 5, maxLaunches: 50 } };
}
