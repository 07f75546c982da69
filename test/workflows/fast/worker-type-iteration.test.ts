// One iteration of the worker type loop, and the settings it follows, on the real workflow
// with strict fake activities (see support/harness.ts).
import type { workerTypeWorkflow } from '../../../workflows/worker-type-workflow';
import { lastIterationQuery } from '../../../workflows/messages';
import { workerTypeWorkflowId } from '../../../workflows/names';
import { HOUR_MS, scenario, timerDurations, uniqueName, until, useTemporal } from './support/harness';
import { transientFailure } from './support/strict-activities';
import { instanceIdOf, iterationReports, loopFakes, loopInput, observation, reports } from './support/worker-type-fakes';

const temporal = useTemporal();

/** The iteration and slot a ClientToken `<firstRunId>-<iteration>-<round>-<slot>` names. */
const slotOf = (token: string) => token.split('-').slice(-3).map(Number) as [number, number, number];

test('an iteration observes, counts pending tasks, plans, launches and records its report', async () => {
  const wt = uniqueName('iteration');
  await scenario(temporal(), loopFakes(wt, { pendingTasks: 2 }), async ({ client, taskQueue, fakes }) => {
    const handle = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs: HOUR_MS })],
    });
    await until(() => fakes.calls('recordIteration').length === 1, 'the first report');
    expect(fakes.sequence()).toEqual(['observeIteration', 'launchInstance', 'launchInstance', 'recordIteration']);
    const tokens = fakes.calls('launchInstance').map((c) => c.args[0].clientToken).sort();
    expect(tokens).toEqual([`${handle.firstExecutionRunId}-1-0-0`, `${handle.firstExecutionRunId}-1-0-1`]);
    const [report] = reports(fakes.calls('recordIteration'));
    expect(report).toMatchObject({
      workerType: wt, iteration: 1, pendingTasks: 2, queueError: null, capacity: { running: 0, pending: 0, requested: 0 },
      change: 2, launchFailures: [], terminated: [],
    });
    // Both to the cheapest offering of the only allowed region.
    expect([...report!.launched].sort((a, b) => a.instanceId.localeCompare(b.instanceId))).toEqual(tokens.map((t) => ({
      instanceId: instanceIdOf(t), region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot',
    })).sort((a, b) => a.instanceId.localeCompare(b.instanceId)));
    expect(await handle.query(lastIterationQuery)).toEqual(report);
  });
});

test('an idle iteration is 6 history events and 1 workflow task (the goal: at most 10 and 2): the observation settles it', async () => {
  const wt = uniqueName('idle');
  await scenario(temporal(), loopFakes(wt, { pendingTasks: 0 }), async ({ client, taskQueue, fakes }) => {
    const handle = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs: 20 })],
    });
    await until(() => iterationReports(fakes).length >= 5, 'five idle iterations');
    // The loop took the settled report as its own (the latest it has taken up, maybe not the newest settled).
    const last = await handle.query(lastIterationQuery);
    expect(last).toEqual(iterationReports(fakes)[last!.iteration - 1]);
    await handle.terminate('test over');
    const events = (await handle.fetchHistory()).events ?? [];
    const timers = events.flatMap((e, i) => (e.timerStartedEventAttributes ? [i] : []));
    // Iterations 3 and 4 (the first two also complete the start's Queue declaration): from the
    // event after one iteration's timer to the next timer, inclusive.
    const perIteration = [2, 3].map((k) => events.slice(timers[k - 1]! + 1, timers[k]! + 1));
    for (const iteration of perIteration) {
      const workflowTasks = iteration.filter((e) => e.workflowTaskCompletedEventAttributes).length;
      // Timer fired, one workflow task (3 events), the observation's local activity marker, the next timer: 6.
      expect({ events: iteration.length, workflowTasks }).toEqual({ events: 6, workflowTasks: 1 });
    }
    // The loop asked each observation to settle an idle iteration, and each did: no separate record.
    expect(fakes.sequence().slice(0, 3)).toEqual(['observeIteration', 'observeIteration', 'observeIteration']);
    const asked = fakes.calls('observeIteration').slice(0, 3).map((c) => c.args[1]?.iteration);
    expect(asked).toEqual([1, 2, 3]);
    const settled = iterationReports(fakes).slice(0, 3);
    expect(settled.map((r) => [r.iteration, r.pendingTasks, r.change])).toEqual([[1, 0, 0], [2, 0, 0], [3, 0, 0]]);
  });
});

test('ClientTokens are unique per launch slot and the same on every retry of a slot', async () => {
  const wt = uniqueName('tokens');
  const attempts = new Map<string, number>();
  const fakes = loopFakes(wt, {
    pendingTasks: 2,
    launch: (req) => {
      const [iteration, round, slot] = slotOf(req.clientToken);
      attempts.set(req.clientToken, (attempts.get(req.clientToken) ?? 0) + 1);
      // Iteration 1: slot 0 finds no capacity (a new round replaces it), slot 1 is retried once.
      if (iteration === 1 && round === 0 && slot === 0) return { outcome: 'capacity', code: 'InsufficientInstanceCapacity' };
      if (iteration === 1 && slot === 1 && attempts.get(req.clientToken) === 1) throw transientFailure('RequestLimitExceeded');
      return { outcome: 'launched', instanceId: instanceIdOf(req.clientToken), zone: req.offering.zone };
    },
  });
  await scenario(temporal(), fakes, async ({ client, taskQueue, fakes: strict }) => {
    const handle = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt)],
    });
    await until(() => strict.calls('recordIteration').length >= 2, 'two iterations');
    const launches = strict.calls('launchInstance').filter((c) => slotOf(c.args[0].clientToken)[0] <= 2);
    for (const c of launches) expect(c.args[0].clientToken.startsWith(`${handle.firstExecutionRunId}-`)).toBe(true);
    const slots = launches.map((c) => `${slotOf(c.args[0].clientToken).join('/')}#${c.attempt}`).sort();
    expect(slots).toEqual(['1/0/0#1', '1/0/1#1', '1/0/1#2', '1/1/0#1', '2/0/0#1', '2/0/1#1']);
    const [first, second] = reports(strict.calls('recordIteration'));
    const token = (s: string) => `${handle.firstExecutionRunId}-${s}`;
    expect(first!.launched.map((l) => l.instanceId).sort()).toEqual([instanceIdOf(token('1-0-1')), instanceIdOf(token('1-1-0'))].sort());
    expect(first!.launchFailures).toEqual([{ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot', code: 'InsufficientInstanceCapacity' }]);
    // The sold-out zone cools down: the replacement and the next iteration use us-west-2b.
    expect(first!.launched.find((l) => l.instanceId === instanceIdOf(token('1-1-0')))?.zone).toBe('us-west-2b');
    expect(second!.launched.map((l) => l.zone)).toEqual(['us-west-2b', 'us-west-2b']);
  });
});

// The start input allows only us-west-2 with a 1 ms cooldown and a 1 h interval; the
// observation's settings say us-east-1, 20 ms and the cooldown of each row.
test.each([
  { cooldownMs: HOUR_MS, launchesIn3Iterations: 1 },
  { cooldownMs: 1, launchesIn3Iterations: 3 }, // control: the cooldown really is what held the launches back
])('the loop follows the observation\'s settings: interval, regions and a $cooldownMs ms cooldown', async ({ cooldownMs, launchesIn3Iterations }) => {
  const wt = uniqueName('settings');
  const settings = { intervalMs: 20, cooldownMs, allowedRegions: ['us-east-1'] };
  const fakes = loopFakes(wt, {
    pendingTasks: 1,
    observe: () => observation({ settings }),
    launch: () => ({ outcome: 'capacity', code: 'InsufficientInstanceCapacity' }),
  });
  await scenario(temporal(), fakes, async ({ client, taskQueue, fakes: strict }) => {
    const handle = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs: HOUR_MS, cooldownMs: 1, allowedRegions: ['us-west-2'] })],
    });
    await until(() => iterationReports(strict).length >= 3, 'three iterations');
    const firstThree = iterationReports(strict).slice(0, 3);
    const launched = strict.calls('launchInstance').filter((c) => slotOf(c.args[0].clientToken)[0] <= 3);
    expect(launched.map((c) => c.args[0].offering.zone)).toEqual(Array(launchesIn3Iterations).fill('us-east-1a'));
    expect(firstThree.map((r) => r.launchFailures.length)).toEqual(launchesIn3Iterations === 1 ? [1, 0, 0] : [1, 1, 1]);
    // Jittered by ±10 % around the observed 20 ms, never the start input's hour.
    const sleeps = (await timerDurations(handle)).slice(0, 2);
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) {
      expect(ms).toBeGreaterThanOrEqual(18);
      expect(ms).toBeLessThanOrEqual(22);
    }
  });
});

// Negative controls: the strict fakes fail a scenario whose workflow does what it did not expect.
test.each([
  { what: 'a call of an activity without a fake', omit: 'recordIteration' as const, expectFor: (wt: string) => wt, error: /unexpected call: recordIteration/ },
  { what: 'a call with other arguments', omit: undefined, expectFor: () => 'another-worker-type', error: /called for worker type .* expected another-worker-type/ },
])('negative control: $what fails the scenario', async ({ omit, expectFor, error }) => {
  const wt = uniqueName('control');
  const fakes = loopFakes(expectFor(wt));
  if (omit) delete fakes[omit];
  await expect(scenario(temporal(), fakes, async ({ client, taskQueue, fakes: strict }) => {
    await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs: HOUR_MS })],
    });
    await until(() => strict.violations.length > 0, 'a violation');
  })).rejects.toThrow(error);
});

test.each([
  // An observation made now: the stored price of the region, which is within maxPrice.
  ['the stored price of the region', { onDemandQuotes: [{ region: 'us-west-2', instanceType: 'c5.xlarge', price: 0.2 }] }, 0.2],
  // A stored price above maxPrice (0.5): refused, nothing launched.
  ['a stored price above maxPrice: nothing', { onDemandQuotes: [{ region: 'us-west-2', instanceType: 'c5.xlarge', price: 0.6 }] }, undefined],
  // No stored price for the region: never on-demand.
  ['no stored price in the region: nothing', { onDemandQuotes: [{ region: 'us-east-1', instanceType: 'c5.xlarge', price: 0.2 }] }, undefined],
  // An observation recorded before prices were stored (no field): replayed with the list it was planned with.
  ['an observation recorded before stored prices: the list it was planned with', {}, 0.17],
])('on-demand launches use %s', async (_name, quotes, price) => {
  const wt = uniqueName('on-demand');
  const definition = { ...observation().definition, canUseSpot: false, canUseOndemand: true };
  const obs = { ...observation({ definition, spotQuotes: [] }), onDemandQuotes: undefined, ...quotes };
  await scenario(temporal(), loopFakes(wt, { pendingTasks: 1, observe: () => obs }), async ({ client, taskQueue, fakes }) => {
    await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs: HOUR_MS })],
    });
    await until(() => iterationReports(fakes).length >= 1, 'the first report');
    const offerings = fakes.calls('launchInstance').map((c) => c.args[0].offering);
    if (price === undefined) expect(offerings).toEqual([]);
    else expect(offerings.map((o) => [o.region, o.market, o.instanceType, o.price])).toEqual([['us-west-2', 'on-demand', 'c5.xlarge', price]]);
  });
});

test('after capacity failures, the iteration tries the next offerings until the need is covered', async () => {
  const wt = uniqueName('rounds');
  const zones = ['a', 'b', 'c', 'd', 'e'].map((z) => `us-west-2${z}`);
  const fakes = loopFakes(wt, {
    pendingTasks: 1,
    observe: () => observation({
      zones: { 'us-west-2': zones, 'us-east-1': [] },
      spotQuotes: zones.map((zone, i) => ({ region: 'us-west-2', zone, instanceType: 'c5.xlarge', price: 0.1 + i / 100 })),
    }),
    // Every zone but the dearest is sold out: five rounds, more than the three of first-fit loops.
    launch: (req) => (req.offering.zone === 'us-west-2e'
      ? { outcome: 'launched', instanceId: instanceIdOf(req.clientToken), zone: req.offering.zone }
      : { outcome: 'capacity', code: 'InsufficientInstanceCapacity' }),
  });
  await scenario(temporal(), fakes, async ({ client, taskQueue, fakes: strict }) => {
    await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs: HOUR_MS })],
    });
    await until(() => strict.calls('recordIteration').length === 1, 'the first report');
    const [report] = reports(strict.calls('recordIteration'));
    expect(report!.launchFailures.map((f) => f.zone)).toEqual(zones.slice(0, 4));
    expect(report!.launched.map((l) => l.zone)).toEqual(['us-west-2e']);
    expect(strict.calls('launchInstance').map((c) => slotOf(c.args[0].clientToken)[1])).toEqual([0, 1, 2, 3, 4]);
  });
});
