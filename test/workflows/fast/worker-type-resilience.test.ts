// How the worker type loop lasts: it continues as new with its state, and a failing
// observation is recorded without ending it. Real workflow, strict fake activities.
import { defaultPayloadConverter } from '@temporalio/common';
import { workerTypeWorkflowId } from '../../../workflows/names';
import type { WorkerTypeLoopState, workerTypeWorkflow } from '../../../workflows/worker-type-workflow';
import { scenario, uniqueName, until, useTemporal } from './support/harness';
import { failure, type Fakes } from './support/strict-activities';
import { instanceIdOf, loopFakes, loopInput, observation, reports } from './support/worker-type-fakes';

const temporal = useTemporal();

test('the loop continues as new after iterationsPerRun, carrying its iteration counter and state', async () => {
  const wt = uniqueName('can');
  const fakes = loopFakes(wt, {
    pendingTasks: 1,
    // us-west-2a has no capacity at first: the cooldown (60 s) is state the next run must keep.
    launch: (req) => (req.offering.zone === 'us-west-2a'
      ? { outcome: 'capacity', code: 'InsufficientInstanceCapacity' }
      : { outcome: 'launched', instanceId: instanceIdOf(req.clientToken), zone: req.offering.zone }),
  });
  await scenario(temporal(), fakes, async ({ client, taskQueue, fakes: strict }) => {
    const workflowId = workerTypeWorkflowId(wt);
    const first = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId, args: [loopInput(wt, { iterationsPerRun: 2 })],
    });
    await until(() => strict.calls('recordIteration').length >= 4, 'four iterations');
    const firstRun = await client.workflow.getHandle(workflowId, first.firstExecutionRunId).fetchHistory();
    const next = firstRun.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
    expect(next?.newExecutionRunId).toBeTruthy();
    const secondRun = await client.workflow.getHandle(workflowId, next!.newExecutionRunId!).fetchHistory();
    const started = secondRun.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.continuedExecutionRunId).toBe(first.firstExecutionRunId);
    const carried = defaultPayloadConverter.fromPayload<WorkerTypeLoopState>(started!.input!.payloads![1]!);

    const recorded = reports(strict.calls('recordIteration')).slice(0, 4);
    expect(recorded.map((r) => r.iteration)).toEqual([1, 2, 3, 4]);
    expect(carried).toEqual({
      schema: 1, iteration: 2, excessStreak: 0, terminateAllRequests: 0, lastReport: recorded[1], lastLaunchError: null,
      declareAt: expect.any(Number), // the next daily Queue declaration
      cooldowns: [{ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', market: 'spot', until: expect.any(Number) }],
    });
    // The next daily declaration is carried over: the second run does not declare again at once.
    expect(carried.declareAt).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(strict.calls('declareWorkerType')).toHaveLength(1);
    // The second run avoids the zone still cooling down, and its ClientTokens go on from the
    // first run's: the same chain prefix, later iterations, so none repeats.
    expect(recorded[2]!.launched.map((l) => l.zone)).toEqual(['us-west-2b']);
    const tokens = strict.calls('launchInstance').map((c) => c.args[0].clientToken);
    for (const t of tokens) expect(t.startsWith(`${first.firstExecutionRunId}-`)).toBe(true);
    expect(tokens.filter((t) => /-[34]-\d+-\d+$/.test(t)).length).toBeGreaterThanOrEqual(2);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

test.each([
  { recording: 'succeeds', recordLoopFailure: () => undefined },
  { recording: 'fails too', recordLoopFailure: () => { throw failure('database still down', 'DatabaseError'); } },
])('a failing observation records the loop failure and the loop goes on (recording $recording)', async ({ recordLoopFailure }) => {
  const wt = uniqueName('observation-fails');
  const fakes: Fakes = {
    ...loopFakes(wt, {
      observe: (n) => {
        if (n === 1) throw failure('connect ECONNREFUSED 10.0.0.5:5432', 'DatabaseError');
        return observation();
      },
    }),
    recordLoopFailure: (req) => {
      // The public text only: no address of the database.
      expect(req).toEqual({ workerType: wt, error: 'observation failed: database error (details in the worker logs)' });
      recordLoopFailure();
    },
  };
  await scenario(temporal(), fakes, async ({ client, taskQueue, fakes: strict }) => {
    const handle = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt)],
    });
    await until(() => strict.calls('recordIteration').length >= 1, 'an iteration after the failure');
    expect(strict.sequence().slice(0, 3)).toEqual(['observeIteration', 'recordLoopFailure', 'observeIteration']);
    // The failed pass did not count as an iteration.
    expect(strict.calls('recordIteration')[0]!.args[0].iteration).toBe(1);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});
