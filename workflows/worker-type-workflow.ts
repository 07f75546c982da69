// The provisioning loop of one worker type (workflow id `worker-type/<name>`). Each
// iteration observes (definition, ledger, prices), asks the Queue, decides with the pure
// planIteration and acts through activities. Signals wake it at once. Deterministic: all
// I/O is in activities, and the state carried across continue-as-new is plain JSON.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Observation } from '../activities/observe';
import type { Cooldown } from '../src/domain/offerings';
import { definitionChangedSignal, lastIterationQuery, removedSignal, terminateAllSignal, type IterationReport } from './messages';
import { describeReport } from './report-details';
import { runIteration } from './worker-type-iteration';

export interface WorkerTypeWorkflowInput {
  workerType: string;
  intervalMs: number;
  allowedRegions: string[];
  /** How long an offering that failed for capacity is avoided. */
  cooldownMs: number;
  /** Continue as new after this many iterations even if Temporal does not suggest it. */
  iterationsPerRun?: number;
}

export interface WorkerTypeLoopState {
  schema: 1;
  iteration: number;
  cooldowns: Cooldown[];
  excessStreak: number;
  terminateAllRequests: number;
  lastReport: IterationReport | null;
}

const data = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumInterval: '20 seconds', maximumAttempts: 5 },
});
const ec2 = wf.proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes', heartbeatTimeout: '1 minute', scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 8 },
});

export async function workerTypeWorkflow(input: WorkerTypeWorkflowInput, carried?: WorkerTypeLoopState): Promise<string> {
  const state: WorkerTypeLoopState = carried ?? {
    schema: 1, iteration: 0, cooldowns: [], excessStreak: 0, terminateAllRequests: 0, lastReport: null,
  };
  let woken = false;
  wf.setHandler(definitionChangedSignal, () => { woken = true; }, { description: 'Run an iteration now' });
  wf.setHandler(removedSignal, () => { woken = true; }, { description: 'Definition removed: terminate everything and finish' });
  wf.setHandler(terminateAllSignal, () => { state.terminateAllRequests++; woken = true; }, {
    description: 'Terminate every instance of this worker type, then carry on provisioning',
  });
  wf.setHandler(lastIterationQuery, () => state.lastReport, { description: 'What the last iteration saw and did' });
  const startIteration = state.iteration;

  for (;;) {
    if (state.terminateAllRequests > 0) {
      state.terminateAllRequests = 0;
      await ec2.terminateAllOfWorkerType({ workerType: input.workerType, reason: 'terminate-all requested' });
    }
    const observation: Observation | null = await data.observeWorkerType(input.workerType);
    if (!observation) {
      const terminated = await ec2.terminateAllOfWorkerType({ workerType: input.workerType, reason: 'worker type removed' });
      if (await data.observeWorkerType(input.workerType)) continue; // re-created meanwhile: keep going
      wf.setCurrentDetails(`Removed; terminated ${terminated} instance(s).`);
      return `removed, ${terminated} instance(s) terminated`;
    }
    state.iteration++;
    await runIteration(input, state, observation);
    wf.setCurrentDetails(describeReport(state.lastReport));
    woken = false;
    const interval = Math.round(input.intervalMs * (0.9 + 0.2 * Math.random()));
    await wf.condition(() => woken, interval);
    const perRun = input.iterationsPerRun ?? 500;
    if (wf.workflowInfo().continueAsNewSuggested || state.iteration - startIteration >= perRun) {
      await wf.condition(wf.allHandlersFinished);
      return wf.continueAsNew<typeof workerTypeWorkflow>(input, state);
    }
  }
}
