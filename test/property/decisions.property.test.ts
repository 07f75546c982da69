// Properties of one decision, over random definitions, prices, ledgers and cooldowns:
// launches never pass maxCapacity, never pay above maxPrice per utility unit, use on-demand
// only when allowed, avoid offerings cooling down, and scale-down touches only unregistered
// instances without dropping below minCapacity.
import fc from 'fast-check';
import { planIteration, type IterationInput } from '../../src/domain/iteration-plan';
import { rankOfferings } from '../../src/domain/offerings';
import { REGIONS, ZONES, definitionArb, onDemandArb, spotQuotesArb } from './arbitraries';

const inputArb: fc.Arbitrary<IterationInput> = fc.record({
  definition: definitionArb,
  pendingTasks: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null, freq: 5 }),
  running: fc.integer({ min: 0, max: 20 }),
  pending: fc.integer({ min: 0, max: 20 }),
  requested: fc.integer({ min: 0, max: 10 }),
  unregisteredCount: fc.integer({ min: 0, max: 10 }),
  spotQuotes: spotQuotesArb,
  onDemand: onDemandArb,
  cooled: fc.array(fc.record({ region: fc.constantFrom(...REGIONS), zone: fc.constantFrom(...Object.values(ZONES).flat()), instanceType: fc.constantFrom('c5.large', 'c5.xlarge'), market: fc.constantFrom('spot' as const, 'on-demand' as const) }), { maxLength: 4 }),
  excessStreak: fc.integer({ min: 0, max: 3 }),
  exact: fc.boolean(),
}).map((r) => ({
  definition: r.definition, pendingTasks: r.pendingTasks,
  capacity: { running: r.running, pending: r.pending, requested: r.requested },
  unregistered: Array.from({ length: Math.min(r.unregisteredCount, r.pending) }, (_, i) => ({ instanceId: `i-${i}`, region: 'us-west-2', capacity: 1, price: 0.1 * (i + 1), launchedAt: i })),
  allowedRegions: REGIONS, zones: ZONES, spotQuotes: r.spotQuotes, onDemandQuotes: r.onDemand,
  cooldowns: r.cooled.map((c) => ({ ...c, until: 2_000 })), now: 1_000, excessStreak: r.excessStreak, exact: r.exact,
}));

const run = (input: IterationInput) => ({ plan: planIteration(input), ranked: rankOfferings(input) });

test('launches never take requested + pending + running capacity past maxCapacity', () => {
  fc.assert(fc.property(inputArb, (input) => {
    const { plan } = run(input);
    const before = input.capacity.running + input.capacity.pending + input.capacity.requested;
    const added = plan.launches.reduce((sum, o) => sum + o.capacity, 0);
    return added === 0 || before + added <= input.definition.maxCapacity;
  }), { numRuns: 2000 });
});

test('no launch pays more than maxPrice per utility unit, and spot never bids above it', () => {
  fc.assert(fc.property(inputArb, (input) => {
    const { ranked } = run(input);
    return ranked.every((o) => o.pricePerUtility <= input.definition.maxPrice + 1e-12
      && o.maxHourlyPrice <= input.definition.maxPrice * o.utility + 1e-6);
  }), { numRuns: 2000 });
});

test('on-demand only when allowed, spot only when allowed, never an offering cooling down', () => {
  fc.assert(fc.property(inputArb, (input) => {
    const { ranked, plan } = run(input);
    const def = input.definition;
    const cooling = (o: { region: string; zone: string; instanceType: string; market: string }) =>
      input.cooldowns.some((c) => c.until > input.now && c.region === o.region && c.zone === o.zone && c.instanceType === o.instanceType && c.market === o.market);
    return [...ranked, ...plan.launches].every((o) => (o.market === 'on-demand' ? def.canUseOndemand : def.canUseSpot) && !cooling(o));
  }), { numRuns: 2000 });
});

test('scale-down terminates only unregistered instances and never below minCapacity', () => {
  fc.assert(fc.property(inputArb, (input) => {
    const { plan } = run(input);
    const ids = new Set(input.unregistered.map((u) => u.instanceId));
    const removed = plan.terminations.length;
    const total = input.capacity.running + input.capacity.pending + input.capacity.requested;
    return plan.terminations.every((t) => ids.has(t.instanceId))
      && (removed === 0 || total - removed >= (input.definition.minCapacity ?? 0))
      && (input.pendingTasks !== null || removed === 0);
  }), { numRuns: 2000 });
});
