// The start of an iteration and the idle iterations the observation settles itself
// (src/domain/iteration-start.ts): settled exactly when the loop's plan would have nothing to
// launch or terminate, with the report and state the loop would have left.
import { liveCooldowns, settleIdleIteration } from '../../src/domain/iteration-start';
import type { Observation, QueueAnswer, SettleRequest } from '../../src/domain/observation';

const NOW = Date.parse('2026-12-04T10:00:00.000Z');
const SETTINGS = { intervalMs: 30_000, cooldownMs: 600_000, allowedRegions: ['us-west-2'] };
const OFFERING = { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot' as const };

function observation(over: Partial<Observation> = {}): Observation {
  return {
    definition: {
      minCapacity: 0, maxCapacity: 10, scalingRatio: 0, maxPrice: 0.5, canUseOndemand: false, canUseSpot: true,
      instanceTypes: [{ instanceType: 'c5.xlarge', capacity: 1, utility: 1 }], regions: [{ region: 'us-west-2' }], availabilityZones: [],
    },
    capacity: { running: 0, pending: 0, requested: 0 },
    unstarted: [],
    zones: { 'us-west-2': ['us-west-2a'] },
    spotQuotes: [{ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.1 }],
    onDemandQuotes: [],
    settings: SETTINGS,
    ...over,
  };
}

const request = (over: Partial<SettleRequest['memory']> = {}): SettleRequest => ({
  iteration: 7, memory: { cooldowns: [], excessStreak: 0, ...over }, times: { startedAt: '2026-12-04T09:59:59.900Z' },
});
const queue = (pendingTasks: number | null): QueueAnswer => ({ pendingTasks, queueError: pendingTasks === null ? 'Queue down' : null });
const unregistered = (instanceId: string, capacity: number) => ({ instanceId, region: 'us-west-2', capacity, price: 0.1, launchedAt: NOW - 60_000 });

test.each([
  // what, observation, Queue, loop memory, settled: [change, excess streak, notes] or undefined when the loop must run it
  ['nothing pending, nothing running', observation(), queue(0), request(), [0, 0, 0]],
  ['the need is met', observation({ capacity: { running: 0, pending: 2, requested: 0 } }), queue(2), request(), [0, 0, 0]],
  ['the Queue did not answer', observation(), queue(null), request(), [0, 0, 1]],
  ['the only offering cools down', observation(), queue(1), request({ cooldowns: [{ ...OFFERING, until: NOW + 1 }] }), [1, 0, 1]],
  ['excess capacity, the first time', observation({ capacity: { running: 0, pending: 2, requested: 0 }, unstarted: [unregistered('i-1', 2)] }),
    queue(0), request(), [-2, 1, 1]],
  ['tasks pending: the loop launches', observation(), queue(1), request(), undefined],
  ['a cooldown that has ended: the loop launches', observation(), queue(1), request({ cooldowns: [{ ...OFFERING, until: NOW }] }), undefined],
  ['excess capacity that persists: the loop terminates', observation({ capacity: { running: 0, pending: 2, requested: 0 }, unstarted: [unregistered('i-1', 2)] }),
    queue(0), request({ excessStreak: 1 }), undefined],
  ['an observation without stored on-demand prices', observation({ onDemandQuotes: undefined }), queue(0), request(), undefined],
] as const)('%s', (_what, obs, answer, req, expected) => {
  const settled = settleIdleIteration('wt', obs, answer, req, ['us-west-2'], NOW);
  if (expected === undefined) {
    expect(settled).toBeUndefined();
    return;
  }
  const [change, excessStreak, notes] = expected;
  expect(settled).toBeDefined();
  expect({ change: settled!.report.change, excessStreak: settled!.excessStreak, notes: settled!.report.notes.length }).toEqual({ change, excessStreak, notes });
  expect(settled!.report).toMatchObject({
    workerType: 'wt', iteration: 7, at: new Date(NOW).toISOString(), startedAt: '2026-12-04T09:59:59.900Z',
    pendingTasks: answer.pendingTasks, queueError: answer.queueError, capacity: obs.capacity, launched: [], launchFailures: [], terminated: [],
  });
  expect(settled!.settings).toEqual(SETTINGS);
});

test('only the allowed regions are planned: an offering elsewhere leaves the iteration idle', () => {
  const obs = observation({ definition: { ...observation().definition, regions: [{ region: 'us-west-2' }, { region: 'us-east-1' }] },
    zones: { 'us-east-1': ['us-east-1a'] }, spotQuotes: [{ region: 'us-east-1', zone: 'us-east-1a', instanceType: 'c5.xlarge', price: 0.1 }] });
  expect(settleIdleIteration('wt', obs, queue(1), request(), ['us-west-2'], NOW)?.report.change).toBe(1);
  expect(settleIdleIteration('wt', obs, queue(1), request(), ['us-west-2', 'us-east-1'], NOW)).toBeUndefined();
});

test.each([
  [[NOW - 1, NOW, NOW + 1], [NOW + 1]],
  [[], []],
])('liveCooldowns keeps those ending after now: %j', (untils, kept) => {
  expect(liveCooldowns(untils.map((until) => ({ ...OFFERING, until })), NOW).map((c) => c.until)).toEqual(kept);
});
