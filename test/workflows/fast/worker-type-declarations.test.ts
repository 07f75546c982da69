// The worker type loop declares its worker type to the Queue on start, after each definition
// change and daily, beside the passes: a slow or failing declaration never holds up provisioning.
import type { WorkflowHandle } from '@temporalio/client';
import { definitionChangedSignal } from '../../../workflows/messages';
import { workerTypeWorkflowId } from '../../../workflows/names';
import type { workerTypeWorkflow } from '../../../workflows/worker-type-workflow';
import { gate, HOUR_MS, scenario, uniqueName, until, untilAsleep, useTemporal, type Scenario } from './support/harness';
import { failure, transientFailure, type Fakes } from './support/strict-activities';
import { loopFakes, loopInput } from './support/worker-type-fakes';

const temporal = useTemporal();

function start(s: Scenario, wt: string, intervalMs: number): Promise<WorkflowHandle<typeof workerTypeWorkflow>> {
  return s.client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
    taskQueue: s.taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs })],
  });
}

const declarations = (s: Scenario) => s.fakes.calls('declareWorkerType');
const reportCount = (s: Scenario, n: number) => until(() => s.fakes.calls('recordIteration').length >= n, `${n} iteration report(s)`);

test('declares once on start and once after each definition change, not at every pass', async () => {
  const wt = uniqueName('declare');
  await scenario(temporal(), loopFakes(wt), async (s) => {
    const handle = await start(s, wt, HOUR_MS);
    await until(() => declarations(s).length === 1, 'the first declaration');
    await untilAsleep(handle);
    await handle.signal(definitionChangedSignal);
    await until(() => declarations(s).length === 2, 'the declaration after the change');
    await reportCount(s, 2);
    expect(declarations(s).map((c) => c.args)).toEqual([[wt], [wt]]);
  });
});

test('a declaration that hangs does not hold up the passes', async () => {
  const wt = uniqueName('declare-hangs');
  const release = gate();
  const fakes: Fakes = { ...loopFakes(wt), declareWorkerType: async () => { await release.wait; return 'declared' as const; } };
  await scenario(temporal(), fakes, async (s) => {
    try {
      await start(s, wt, 20);
      await reportCount(s, 3);
      expect(declarations(s)).toHaveLength(1); // still running: never a second one beside it
    } finally {
      release.open(); // the worker's shutdown waits for the blocked activity
    }
  });
});

test('a failing Queue is retried; a refusal is not, and the loop goes on provisioning without asking again at once', async () => {
  const wt = uniqueName('declare-fails');
  let n = 0;
  const fakes: Fakes = {
    ...loopFakes(wt),
    declareWorkerType: () => {
      n++;
      if (n === 1) throw transientFailure('TaskCluster Queue unavailable: HTTP 503');
      throw failure('TaskCluster Queue unavailable: HTTP 403 InsufficientScopes', 'permission');
    },
  };
  await scenario(temporal(), fakes, async (s) => {
    await start(s, wt, 20);
    await until(() => declarations(s).length === 2, 'the retried declaration');
    await reportCount(s, 5);
    expect(declarations(s).map((c) => c.attempt)).toEqual([1, 2]);
  });
});
