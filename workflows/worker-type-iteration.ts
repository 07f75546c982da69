// One provisioning iteration inside the worker type workflow: ask the Queue, plan, terminate,
// launch; when an offering fails for capacity, cool it down and launch the next-best in the
// same iteration. Failures of one step are recorded in the report and never end the loop.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LaunchOutcome } from '../activities/launch';
import { planIteration, type IterationInput } from '../src/domain/iteration-plan';
import { launchErrorChange, type IterationReport } from '../src/domain/iteration-report';
import { liveCooldowns, openReport, planningInput, type PassTimes } from '../src/domain/iteration-start';
import type { Observation, QueueAnswer } from '../src/domain/observation';
import type { Offering } from '../src/domain/offerings';
import { failureKind, failureMessage, publicFailure } from './failures';
import { preStoredOnDemandQuotes } from './pre-stored-on-demand-prices';
import { describeLaunching } from './report-details';
import { SUMMARY } from './ui-summaries';
import type { WorkerTypeLoopState, WorkerTypeWorkflowInput } from './worker-type-workflow';
import { LOOP_DATA, LOOP_EC2, LOOP_LAUNCH, LOOP_QUEUE, LOOP_RECORD } from './activity-options';

const queue = wf.proxyActivities<Activities>(LOOP_QUEUE);
const data = wf.proxyActivities<Activities>(LOOP_DATA);
const ec2 = wf.proxyActivities<Activities>(LOOP_EC2);
const launcher = wf.proxyActivities<Activities>(LOOP_LAUNCH);
const localRecorder = wf.proxyLocalActivities<Activities>(LOOP_RECORD);

/** Before the exact planner: capacity failures triggered at most this many launch rounds per iteration. */
const FIRST_FIT_LAUNCH_ROUNDS = 3;

/**
 * With the exact planner, rounds go on while capacity failures leave part of the need
 * uncovered and an offering is left: each such failure cools an offering down, so the rounds
 * end by themselves; this only bounds a pathological definition (hundreds of offerings).
 */
const EXACT_LAUNCH_ROUNDS = 50;


/** Unique per launch slot across the whole workflow chain, so EC2 dedupes only true retries. */
function clientToken(iteration: number, round: number, slot: number): string {
  return `${wf.workflowInfo().firstExecutionRunId}-${iteration}-${round}-${slot}`;
}

/** When a pass began and when it was due (ms since the epoch, workflow time), for the report. */
export interface PassTiming { startedAt: number; plannedAt?: number }

/** The report's form of a pass's timing. */
export function passTimes(timing: PassTiming | undefined): PassTimes {
  if (!timing) return {};
  const startedAt = new Date(timing.startedAt).toISOString();
  return timing.plannedAt === undefined ? { startedAt } : { startedAt, plannedAt: new Date(timing.plannedAt).toISOString() };
}

/**
 * How this pass runs: `queue` is the Queue's answer when the observation brought it (lean
 * iterations), otherwise runIteration asks; `lean` records the report with a local activity.
 */
export interface IterationOptions { timing?: PassTiming; queue?: QueueAnswer; lean?: boolean }

export async function runIteration(
  input: WorkerTypeWorkflowInput, state: WorkerTypeLoopState, obs: Observation, options: IterationOptions = {},
): Promise<void> {
  const now = Date.now();
  state.cooldowns = liveCooldowns(state.cooldowns, now);
  const report = openReport(input.workerType, state.iteration, now, obs, options.queue ?? null, passTimes(options.timing));
  if (!options.queue) {
    try {
      report.pendingTasks = await queue.countPendingTasks.executeWithOptions({ summary: SUMMARY.countPending(input.workerType) }, [input.workerType]);
    } catch (err) {
      report.queueError = publicFailure(err);
    }
  }
  const onDemandQuotes = obs.onDemandQuotes ?? preStoredOnDemandQuotes(input.allowedRegions);
  const base: IterationInput = planningInput(obs, report, input.allowedRegions, state, onDemandQuotes, now);
  // Loops started before the exact planner keep the first-fit choice their history recorded.
  base.exact = wf.patched('exact-launch-selection');
  const plan = planIteration(base);
  state.excessStreak = plan.excessStreak;
  report.change = plan.change;
  report.notes.push(...plan.notes);
  await terminate(plan.terminations, report);
  let launches = plan.launches;
  const rounds = base.exact ? EXACT_LAUNCH_ROUNDS : FIRST_FIT_LAUNCH_ROUNDS;
  for (let round = 0; round < rounds && launches.length > 0; round++) {
    // Launch activities may be retried for minutes: the UI says what is in flight meanwhile.
    wf.setCurrentDetails(describeLaunching(report, round, launches, state.lastLaunchError));
    const retry = await launchAll(launches, round, input, state, report, base);
    if (!retry) break;
    launches = planIteration({ ...base, cooldowns: state.cooldowns, excessStreak: 0 }).launches;
  }
  state.lastReport = report;
  const errorChange = launchErrorChange(report);
  if (errorChange) {
    state.lastLaunchError = errorChange.lastLaunchError === null ? null : { message: errorChange.lastLaunchError, at: errorChange.lastErrorAt };
  }
  try {
    const recorder = options.lean ? localRecorder : data;
    await recorder.recordIteration.executeWithOptions({ summary: SUMMARY.recordIteration(report.iteration) }, [report]);
  } catch (err) {
    wf.log.warn('could not record the iteration report', { error: failureMessage(err) });
  }
}

async function terminate(terminations: { instanceId: string; region: string; reason: string }[], report: IterationReport): Promise<void> {
  if (terminations.length === 0) return;
  try {
    const reason = terminations[0]!.reason;
    await ec2.terminateInstances.executeWithOptions({ summary: SUMMARY.terminate(terminations.length, reason) }, [{ instances: terminations, reason, onlyUnstarted: true }]);
    report.terminated.push(...terminations.map((t) => ({ instanceId: t.instanceId, reason: t.reason })));
  } catch (err) {
    report.notes.push(`termination failed: ${publicFailure(err)}`);
  }
}

/** Launches in parallel; returns true when an offering failed for capacity and another round may help. */
async function launchAll(
  launches: Offering[], round: number, input: WorkerTypeWorkflowInput, state: WorkerTypeLoopState,
  report: IterationReport, base: IterationInput,
): Promise<boolean> {
  const outcomes = await Promise.all(launches.map(async (offering, slot): Promise<LaunchOutcome> => {
    try {
      const request = { workerType: input.workerType, clientToken: clientToken(state.iteration, round, slot), offering };
      return await launcher.launchInstance.executeWithOptions({ summary: SUMMARY.launch(offering) }, [request]);
    } catch (err) {
      wf.log.warn('launch failed after its retries', { error: failureMessage(err), kind: failureKind(err) });
      return { outcome: 'invalid', code: 'LaunchFailed', message: publicFailure(err) };
    }
  }));
  let capacityFailure = false;
  outcomes.forEach((result, i) => {
    const o = launches[i]!;
    const where = { region: o.region, zone: o.zone, instanceType: o.instanceType, market: o.market };
    if (result.outcome === 'launched') {
      report.launched.push({ ...where, zone: result.zone, instanceId: result.instanceId });
      base.capacity.requested += o.capacity;
    } else if (result.outcome === 'capacity') {
      capacityFailure = true;
      state.cooldowns.push({ ...where, until: Date.now() + input.cooldownMs });
      report.launchFailures.push({ ...where, code: result.code });
    } else if (result.outcome === 'invalid') {
      report.launchFailures.push({ ...where, code: result.code, message: result.message });
      // An activity that gave up may still have launched: count it until the inventory knows.
      if (result.code === 'LaunchFailed') base.capacity.requested += o.capacity;
    } else {
      report.notes.push(`launch skipped: ${result.reason}`);
    }
  });
  return capacityFailure;
}
