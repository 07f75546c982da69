// The per-iteration decision: growth, the maxCapacity ceiling, scale-down of unregistered
// instances only, and no scale-down without Queue data.
import { planIteration, type IterationInput } from '../../src/domain/iteration-plan';

const def = {
  launchSpec: {}, userData: {}, secrets: {}, scopes: [], description: '', owner: '',
  minCapacity: 0, maxCapacity: 10, scalingRatio: 0, minPrice: 0, maxPrice: 1, canUseSpot: true, canUseOndemand: false,
  instanceTypes: [{ instanceType: 'c5.xlarge', capacity: 1, utility: 1, launchSpec: {}, secrets: {}, userData: {}, scopes: [] }],
  regions: [{ region: 'us-west-2', launchSpec: { ImageId: 'ami-12345678' }, secrets: {}, userData: {}, scopes: [] }],
  availabilityZones: [],
};

function input(o: Partial<IterationInput> & { min?: number; max?: number } = {}): IterationInput {
  const { min, max, ...rest } = o;
  return {
    definition: { ...def, minCapacity: min ?? 0, maxCapacity: max ?? 10 },
    pendingTasks: 0, capacity: { running: 0, pending: 0, requested: 0 }, unregistered: [],
    allowedRegions: ['us-west-2'], zones: { 'us-west-2': ['us-west-2a'] },
    spotQuotes: [{ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.1 }],
    onDemandQuotes: [], cooldowns: [], now: 0, excessStreak: 0, limits: { perOffering: 100, maxLaunches: 100 }, ...rest,
  };
}
const booting = (id: string, price = 0.1, launchedAt = 0) => ({ instanceId: id, region: 'us-west-2', capacity: 1, price, launchedAt });

test.each([
  ['pending tasks launch that much', input({ pendingTasks: 3 }), 3, 3, 0],
  ['requested capacity counts as pending', input({ pendingTasks: 3, capacity: { running: 0, pending: 1, requested: 1 } }), 1, 1, 0],
  ['never past maxCapacity counting requested', input({ pendingTasks: 50, capacity: { running: 4, pending: 2, requested: 3 } }), 1, 1, 0],
  ['minCapacity floor with no tasks', input({ pendingTasks: 0, min: 2 }), 2, 2, 0],
  ['Queue unavailable: floor only, no growth', input({ pendingTasks: null, min: 1 }), 1, 1, 0],
  ['Queue unavailable: no scale-down', input({ pendingTasks: null, capacity: { running: 0, pending: 5, requested: 0 }, unregistered: [booting('i-1')], excessStreak: 5 }), 0, 0, 0],
  ['first excess iteration waits', input({ pendingTasks: 0, capacity: { running: 0, pending: 2, requested: 0 }, unregistered: [booting('i-1'), booting('i-2')] }), -2, 0, 0],
  ['persisting excess terminates unregistered instances', input({ pendingTasks: 0, capacity: { running: 0, pending: 2, requested: 0 }, unregistered: [booting('i-1'), booting('i-2')], excessStreak: 1 }), -2, 0, 2],
  ['scale-down respects minCapacity', input({ pendingTasks: 0, min: 1, capacity: { running: 0, pending: 2, requested: 0 }, unregistered: [booting('i-1'), booting('i-2')], excessStreak: 1 }), -1, 0, 1],
  ['registered instances are never terminated, even above maxCapacity', input({ pendingTasks: 0, max: 1, capacity: { running: 3, pending: 0, requested: 0 }, unregistered: [], excessStreak: 3 }), -2, 0, 0],
])('%s', (_name, inp, change, launches, terminations) => {
  const plan = planIteration(inp);
  expect(plan.change).toBe(change);
  expect(plan.launches).toHaveLength(launches);
  expect(plan.terminations).toHaveLength(terminations);
});

test('the most expensive unregistered instance goes first', () => {
  const plan = planIteration(input({
    pendingTasks: 0, capacity: { running: 0, pending: 2, requested: 0 }, min: 1, excessStreak: 1,
    unregistered: [booting('i-cheap', 0.05), booting('i-dear', 0.2)],
  }));
  expect(plan.terminations.map((t) => t.instanceId)).toEqual(['i-dear']);
});

test('the excess streak resets when capacity is needed again', () => {
  expect(planIteration(input({ pendingTasks: 2, excessStreak: 4 })).excessStreak).toBe(0);
  expect(planIteration(input({ pendingTasks: 0, capacity: { running: 0, pending: 1, requested: 0 }, excessStreak: 4 })).excessStreak).toBe(5);
});

test('no eligible offering is explained', () => {
  const plan = planIteration(input({ pendingTasks: 2, spotQuotes: [] }));
  expect(plan.launches).toHaveLength(0);
  expect(plan.notes.join(' ')).toContain('No eligible offering');
});

describe('exact: the exact choice only when asked, first-fit otherwise (recorded iterations replay)', () => {
  const sized = (instanceType: string, capacity: number) => ({ instanceType, capacity, utility: capacity, launchSpec: {}, secrets: {}, userData: {}, scopes: [] });
  const roomOfFour = (exact?: boolean) => input({
    pendingTasks: 4, max: 4, limits: { perOffering: 5, maxLaunches: 50 }, ...(exact === undefined ? {} : { exact }),
    definition: { ...def, maxCapacity: 4, instanceTypes: [sized('c5.large', 1), sized('c5.xlarge', 2), sized('c5.2xlarge', 3)] },
    spotQuotes: [['c5.large', 0.1], ['c5.xlarge', 0.12], ['c5.2xlarge', 0.15]].map(([instanceType, price]) =>
      ({ region: 'us-west-2', zone: 'us-west-2a', instanceType: instanceType as string, price: price as number })),
  });
  test.each([
    ['absent: first-fit', undefined, ['c5.2xlarge', 'c5.large']],
    ['false: first-fit', false, ['c5.2xlarge', 'c5.large']],
    ['true: the least price per utility unit within the room', true, ['c5.xlarge', 'c5.xlarge']],
  ])('%s', (_name, exact, expected) => {
    expect(planIteration(roomOfFour(exact)).launches.map((o) => o.instanceType)).toEqual(expected);
  });
});
