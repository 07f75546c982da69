// The worker type loop's signals: terminate-all, removal and definition changes, on the real
// workflow with strict fake activities (see support/harness.ts). Intervals are an hour where
// a test shows that a signal, not the timer, started the next pass.
import type { WorkflowHandle } from '@temporalio/client';
import { definitionChangedSignal, removedSignal, terminateAllSignal } from '../../../workflows/messages';
import { workerTypeWorkflowId } from '../../../workflows/names';
import type { workerTypeWorkflow } from '../../../workflows/worker-type-workflow';
import { gate, HOUR_MS, scenario, timerDurations, uniqueName, until, untilAsleep, useTemporal, type Scenario } from './support/harness';
import { failure, type Fakes } from './support/strict-activities';
import { loopFakes, loopInput, observation } from './support/worker-type-fakes';

const temporal = useTemporal();

const ITERATION = ['observeIteration', 'launchInstance', 'launchInstance', 'recordIteration'];

function start(s: Scenario, wt: string, intervalMs: number): Promise<WorkflowHandle<typeof workerTypeWorkflow>> {
  return s.client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
    taskQueue: s.taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs })],
  });
}

function signalWithStart(s: Scenario, wt: string, intervalMs: number): Promise<WorkflowHandle<typeof workerTypeWorkflow>> {
  return s.client.workflow.signalWithStart<typeof workerTypeWorkflow, []>('workerTypeWorkflow', {
    taskQueue: s.taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs })], signal: terminateAllSignal,
  });
}

/** terminateAllOfWorkerType for `wt` with `reason`, answering `results` in turn (an Error is thrown). */
function terminations(wt: string, reason: string, ...results: (number | Error)[]): Fakes['terminateAllOfWorkerType'] {
  let n = 0;
  return (req) => {
    expect(req).toEqual({ workerType: wt, reason });
    const result = results[Math.min(n++, results.length - 1)]!;
    if (result instanceof Error) throw result;
    return result;
  };
}

const reportCount = (s: Scenario, n: number) => until(() => s.fakes.calls('recordIteration').length >= n, `${n} iteration report(s)`);

describe('terminate-all', () => {
  test('a terminateAll signal terminates every instance before anything is launched, also when it wakes a sleeping loop', async () => {
    const wt = uniqueName('terminate-all');
    const fakes = { ...loopFakes(wt), terminateAllOfWorkerType: terminations(wt, 'terminate-all requested', 4) };
    await scenario(temporal(), fakes, async (s) => {
      const handle = await signalWithStart(s, wt, HOUR_MS);
      await reportCount(s, 1);
      expect(s.fakes.sequence()).toEqual(['terminateAllOfWorkerType', ...ITERATION]);
      await untilAsleep(handle);
      await handle.signal(terminateAllSignal);
      await reportCount(s, 2);
      expect(s.fakes.sequence()).toEqual(['terminateAllOfWorkerType', ...ITERATION, 'terminateAllOfWorkerType', ...ITERATION]);
    });
  });

  test('a terminate-all that fails is recorded and still owed: nothing is launched until it is done', async () => {
    const wt = uniqueName('terminate-all-fails');
    const fakes: Fakes = {
      ...loopFakes(wt),
      terminateAllOfWorkerType: terminations(wt, 'terminate-all requested', failure('EC2 is unreachable', 'Ec2Error'), 2),
      recordLoopFailure: (req) => { expect(req).toEqual({ workerType: wt, error: 'terminate-all failed: EC2 is unreachable' }); },
    };
    await scenario(temporal(), fakes, async (s) => {
      await signalWithStart(s, wt, 20);
      await reportCount(s, 1);
      expect(s.fakes.sequence().slice(0, 8)).toEqual(['terminateAllOfWorkerType', 'recordLoopFailure', 'terminateAllOfWorkerType', ...ITERATION]);
    });
  });
});

describe('removal', () => {
  test('when the observation finds no definition, every instance is terminated and the loop completes', async () => {
    const wt = uniqueName('removed');
    const fakes: Fakes = {
      ...loopFakes(wt, { observe: (n) => (n === 1 ? observation() : null) }),
      terminateAllOfWorkerType: terminations(wt, 'worker type removed', 3),
    };
    await scenario(temporal(), fakes, async (s) => {
      const handle = await start(s, wt, HOUR_MS);
      await untilAsleep(handle);
      await handle.signal(removedSignal);
      await expect(handle.result()).resolves.toBe('removed, 3 instance(s) terminated');
      expect(s.fakes.sequence()).toEqual([...ITERATION, 'observeIteration', 'terminateAllOfWorkerType', 'observeIteration']);
    });
  });

  test('a worker type re-created while it was being removed keeps its loop going', async () => {
    const wt = uniqueName('recreated');
    const fakes: Fakes = {
      ...loopFakes(wt, { observe: (n) => (n === 1 ? null : observation()) }),
      terminateAllOfWorkerType: terminations(wt, 'worker type removed', 1),
    };
    await scenario(temporal(), fakes, async (s) => {
      const handle = await start(s, wt, HOUR_MS);
      await reportCount(s, 1);
      expect(s.fakes.sequence()).toEqual(['observeIteration', 'terminateAllOfWorkerType', 'observeIteration', ...ITERATION]);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(s.fakes.calls('recordIteration')[0]!.args[0].iteration).toBe(1);
    });
  });
});

describe('waking up', () => {
  test('definitionChanged wakes a sleeping loop at once', async () => {
    const wt = uniqueName('changed');
    await scenario(temporal(), loopFakes(wt), async (s) => {
      const handle = await start(s, wt, HOUR_MS);
      await untilAsleep(handle);
      await handle.signal(definitionChangedSignal);
      await reportCount(s, 2);
      expect(s.fakes.sequence()).toEqual([...ITERATION, ...ITERATION]);
      // The loop was asleep for (about) the hour when the signal came.
      const [sleep] = await timerDurations(handle);
      expect(sleep).toBeGreaterThanOrEqual(0.9 * HOUR_MS);
    });
  });

  test('a signal that arrives during a pass wakes the next pass at once', async () => {
    const wt = uniqueName('during-pass');
    const inPass = gate();
    const release = gate();
    let asked = 0;
    const fakes: Fakes = loopFakes(wt);
    fakes.countPendingTasks = async (name) => {
      expect(name).toBe(wt);
      if (++asked === 1) {
        inPass.open();
        await release.wait;
      }
      return 2;
    };
    await scenario(temporal(), fakes, async (s) => {
      try {
        const handle = await start(s, wt, HOUR_MS);
        await inPass.wait;
        await handle.signal(definitionChangedSignal); // returns once the server has it, i.e. during the pass
      } finally {
        release.open(); // also on failure: the worker's shutdown waits for the blocked activity
      }
      await reportCount(s, 2);
      expect(s.fakes.sequence()).toEqual([...ITERATION, ...ITERATION]);
    });
  });
});
