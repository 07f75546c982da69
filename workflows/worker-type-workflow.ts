// The provisioning loop of one worker type (workflow id `worker-type/<name>`). Each
// iteration observes (definition, ledger, prices), asks the Queue, decides with the pure
// planIteration and acts through activities. Signals wake it at once. Deterministic: all
// I/O is in activities, and the state carried across continue-as-new is plain JSON.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { IterationReport } from '../src/domain/iteration-report';
import { liveCooldowns } from '../src/domain/iteration-start';
import type { Observation, QueueAnswer, SettledIteration, SettleRequest } from '../src/domain/observation';
import type { Cooldown } from '../src/domain/offerings';
import { nextDeclarationAt } from '../src/domain/queue-declaration';
import { definitionChangedSignal, lastIterationQuery, removedSignal, tasksPendingSignal, terminateAllSignal } from './messages';
import { failureKind, failureMessage, publicFailure } from './failures';
import { describeFailure, describeReport, type LastLaunchError } from './report-details';
import { SUMMARY } from './ui-summaries';
import { passTimes, runIteration, type PassTiming } from './worker-type-iteration';
import { LOOP_DATA, LOOP_DECLARE, LOOP_EC2, LOOP_OBSERVE } from './activity-options';

export interface WorkerTypeWorkflowInput {
  workerType: string;
  /**
   * Interval, regions and cooldown as configured when the loop started; every observation
   * brings the worker's current values, which replace these from that iteration on.
   */
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
  /**
   * When the worker type is next declared to the Queue (epoch ms, workflow time); absent
   * (a run that carried older state) or 0: at once. NOT_OWED while a declaration runs.
   */
  declareAt?: number;
  /** The last launch error as the API shows it, for the UI's status line; absent in state carried from before. */
  lastLaunchError?: LastLaunchError | null;
}

const NOT_OWED = Number.MAX_SAFE_INTEGER;

const data = wf.proxyActivities<Activities>(LOOP_DATA);
const ec2 = wf.proxyActivities<Activities>(LOOP_EC2);
const declarer = wf.proxyActivities<Activities>(LOOP_DECLARE);
const local = wf.proxyLocalActivities<Activities>(LOOP_OBSERVE);

export async function workerTypeWorkflow(input: WorkerTypeWorkflowInput, carried?: WorkerTypeLoopState): Promise<string> {
  const state: WorkerTypeLoopState = carried ?? {
    schema: 1, iteration: 0, cooldowns: [], excessStreak: 0, terminateAllRequests: 0, lastReport: null,
  };
  let woken = false;
  wf.setHandler(definitionChangedSignal, () => { woken = true; state.declareAt = 0; }, { description: 'Run an iteration now' });
  // Only wakes the loop (no command of its own), so histories recorded before it replay as they were.
  wf.setHandler(tasksPendingSignal, () => { woken = true; }, { description: 'Tasks are pending: run an iteration now' });
  wf.setHandler(removedSignal, () => { woken = true; }, { description: 'Definition removed: terminate everything and finish' });
  wf.setHandler(terminateAllSignal, () => { state.terminateAllRequests++; woken = true; }, {
    description: 'Terminate every instance of this worker type, then carry on provisioning',
  });
  wf.setHandler(lastIterationQuery, () => state.lastReport, { description: 'What the last iteration saw and did' });
  // A run continued from another shows the carried state at once, not "No Current Details"
  // (the static summary does not survive continue-as-new: the SDK cannot carry it).
  if (carried) wf.setCurrentDetails(describeReport(state.lastReport, state.lastLaunchError));
  const startIteration = state.iteration;
  const live = { ...input };
  const declarations = new Declarations(input.workerType, state);

  let plannedAt: number | undefined; // unknown for the first pass of a run
  for (;;) {
    woken = false; // a signal that arrives during the pass wakes the next one at once
    declarations.startIfDue();
    const next = await provisionOnce(live, state, { startedAt: Date.now(), plannedAt });
    plannedAt = undefined;
    if (typeof next === 'object') {
      if (woken) continue; // re-created (or changed) while it was being removed
      return next.done;
    }
    if (next === 'again') continue;
    const interval = Math.round(live.intervalMs * (0.9 + 0.2 * Math.random()));
    const deadline = Date.now() + interval;
    // Workflow time after the wait is when the worker took it up: lateness is worker backlog or downtime.
    plannedAt = (await wf.condition(() => woken, interval, { summary: SUMMARY.nextIteration(interval) })) ? Date.now() : deadline;
    const perRun = input.iterationsPerRun ?? 500;
    if (wf.workflowInfo().continueAsNewSuggested || state.iteration - startIteration >= perRun) {
      await Promise.all([wf.condition(wf.allHandlersFinished), declarations.settled()]);
      return wf.continueAsNew<typeof workerTypeWorkflow>(input, state);
    }
  }
}

/**
 * The Queue declarations of the loop: on start, after each definition change and daily. A
 * declaration runs beside the passes and never holds one up; one that fails after its
 * retries is logged and tried again an hour later (src/domain/queue-declaration.ts).
 */
class Declarations {
  private running: Promise<void> | undefined;

  constructor(private readonly workerType: string, private readonly state: WorkerTypeLoopState) {}

  startIfDue(): void {
    if (this.running || Date.now() < (this.state.declareAt ?? 0)) return;
    // Histories recorded before declarations existed replay without them.
    if (!wf.patched('declare-worker-type')) return;
    this.state.declareAt = NOT_OWED;
    this.running = declarer.declareWorkerType.executeWithOptions({ summary: SUMMARY.declare(this.workerType) }, [this.workerType]).then(
      (outcome) => this.finish(outcome),
      (err: unknown) => {
        wf.log.warn('declaring the worker type to the Queue failed after its retries; trying again later', { error: failureMessage(err), kind: failureKind(err) });
        this.finish('failed');
      },
    ).finally(() => { this.running = undefined; });
  }

  /** Resolves once no declaration is running (never rejects). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private finish(outcome: 'declared' | 'gone' | 'failed'): void {
    this.state.declareAt = nextDeclarationAt(outcome, Date.now(), this.state.declareAt ?? 0);
  }
}

const FAILED = Symbol('failed');

/**
 * A failure of an activity after its retries. A local activity's failure reaches the workflow
 * as the activity's own ApplicationFailure or TimeoutFailure, not wrapped in ActivityFailure.
 */
function isActivityFailure(err: unknown): boolean {
  return err instanceof wf.ActivityFailure || err instanceof wf.ApplicationFailure || err instanceof wf.TimeoutFailure;
}

/**
 * Contract: the loop outlives any outage of what its activities use (database, EC2). An
 * activity that still fails after its retries skips the rest of this pass, with the failure
 * logged and shown in the UI, and the next interval tries again; only a removed definition
 * ends the loop.
 */
async function survive<T>(what: string, workerType: string, state: WorkerTypeLoopState, call: () => Promise<T>): Promise<T | typeof FAILED> {
  try {
    return await call();
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    const error = failureMessage(err);
    wf.log.warn(`${what} failed after its retries; trying again next interval`, { error, kind: failureKind(err) });
    // Recorded for `state` and backendStatus; best effort, since the database may be what failed.
    if (wf.patched('record-loop-failures')) {
      await data.recordLoopFailure.executeWithOptions({ summary: SUMMARY.recordLoopFailure(what) }, [{ workerType, error: `${what} failed: ${publicFailure(err)}` }])
        .catch(() => undefined);
    }
    wf.setCurrentDetails(describeFailure(what, new Date().toISOString(), error, state.lastReport, state.lastLaunchError));
    return FAILED;
  }
}

/**
 * One pass: pending terminate-all, observation, then an iteration; or the end of a removed
 * worker type. `input` is the loop's live settings: the observation updates them in place.
 */
async function provisionOnce(
  input: WorkerTypeWorkflowInput, state: WorkerTypeLoopState, timing: PassTiming,
): Promise<'sleep' | 'again' | { done: string }> {
  const { workerType } = input;
  if (state.terminateAllRequests > 0) {
    const requests = state.terminateAllRequests;
    state.terminateAllRequests = 0;
    const done = await survive('terminate-all', workerType, state, () => terminateAll(workerType, 'terminate-all requested'));
    if (done === FAILED) {
      state.terminateAllRequests += requests; // still owed: nothing is launched before it is done
      return 'sleep';
    }
  }
  const lean = wf.patched('lean-iterations');
  // Histories recorded before idle iterations were settled by the observation replay without.
  const settle = lean && wf.patched('settle-idle-iterations')
    ? { iteration: state.iteration + 1, memory: { cooldowns: state.cooldowns, excessStreak: state.excessStreak }, times: passTimes(timing) }
    : undefined;
  const observed = await survive('observation', workerType, state, () => observeForIteration(workerType, lean, settle));
  if (observed === FAILED) return 'sleep';
  if (observed && 'settled' in observed) {
    takeSettled(input, state, observed.settled);
    return 'sleep';
  }
  if (!observed) {
    const terminated = await survive('termination of the removed worker type', workerType, state,
      () => terminateAll(workerType, 'worker type removed'));
    if (terminated === FAILED) return 'sleep';
    const recreated = await survive('observation', workerType, state, () => observeForIteration(workerType, lean));
    if (recreated === FAILED) return 'sleep';
    if (recreated) return 'again'; // re-created meanwhile: keep going
    wf.setCurrentDetails(`Removed; terminated ${terminated} instance(s).`);
    return { done: `removed, ${terminated} instance(s) terminated` };
  }
  const { observation, queue } = observed;
  if (observation.settings) Object.assign(input, observation.settings);
  state.iteration++;
  await runIteration(input, state, observation, { timing, queue, lean });
  wf.setCurrentDetails(describeReport(state.lastReport, state.lastLaunchError));
  return 'sleep';
}

/**
 * The iteration's inputs. Lean (new loops): the observation and the Queue's count in one
 * local activity, so an idle iteration is a single workflow task. Histories recorded before
 * read the observation with an activity and ask the Queue in runIteration.
 */
async function observeForIteration(
  workerType: string, lean: boolean, settle?: SettleRequest,
): Promise<{ observation: Observation; queue?: QueueAnswer } | SettledIteration | null> {
  if (!lean) {
    const observation = await data.observeWorkerType.executeWithOptions({ summary: SUMMARY.observe(workerType) }, [workerType]);
    return observation && { observation };
  }
  const args: [string, SettleRequest?] = settle ? [workerType, settle] : [workerType];
  const inputs = await local.observeIteration.executeWithOptions({ summary: SUMMARY.observe(workerType) }, args);
  if (!inputs || 'settled' in inputs) return inputs;
  return { observation: inputs.observation, queue: { pendingTasks: inputs.pendingTasks, queueError: inputs.queueError } };
}

/** An idle iteration the observation settled: the loop takes its state and report as runIteration would have left them. */
function takeSettled(input: WorkerTypeWorkflowInput, state: WorkerTypeLoopState, settled: SettledIteration['settled']): void {
  if (settled.settings) Object.assign(input, settled.settings);
  state.iteration++;
  state.cooldowns = liveCooldowns(state.cooldowns, Date.now());
  state.excessStreak = settled.excessStreak;
  state.lastReport = settled.report;
  wf.setCurrentDetails(describeReport(state.lastReport, state.lastLaunchError));
}

function terminateAll(workerType: string, reason: string): Promise<number> {
  return ec2.terminateAllOfWorkerType.executeWithOptions({ summary: SUMMARY.terminateAll(workerType, reason) }, [{ workerType, reason }]);
}
