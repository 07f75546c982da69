// The start of one provisioning iteration: what the plan is computed from and the report it
// begins with. Shared by the loop (workflows/worker-type-iteration.ts) and by the observation
// activity that settles an idle iteration itself (activities/iteration-inputs.ts), so that a
// settled iteration plans and reports exactly as the loop would have.
import { planIteration, type IterationInput, type IterationPlan } from './iteration-plan';
import type { IterationReport } from './iteration-report';
import type { Observation, QueueAnswer, SettledIteration, SettleRequest } from './observation';
import type { Cooldown, OnDemandQuote } from './offerings';

/** What the loop carries from one iteration to the next that the plan reads. */
export interface LoopMemory {
  cooldowns: Cooldown[];
  /** Consecutive earlier iterations that found too much capacity. */
  excessStreak: number;
}

/** When a pass began and when it was due (ISO 8601, workflow time), for the report; each absent when unknown. */
export interface PassTimes { startedAt?: string; plannedAt?: string }

/** The cooldowns still in force at `now`. */
export function liveCooldowns(cooldowns: readonly Cooldown[], now: number): Cooldown[] {
  return cooldowns.filter((c) => c.until > now);
}

/**
 * The plan's input. `onDemandQuotes` is passed apart: replayed observations recorded before
 * prices were stored lack them, and only the workflow knows what they were planned with.
 */
export function planningInput(
  obs: Observation, queue: QueueAnswer, allowedRegions: readonly string[], memory: LoopMemory,
  onDemandQuotes: readonly OnDemandQuote[], now: number,
): IterationInput {
  return {
    definition: obs.definition, pendingTasks: queue.pendingTasks, capacity: { ...obs.capacity }, unregistered: obs.unstarted,
    allowedRegions, zones: obs.zones, spotQuotes: obs.spotQuotes, onDemandQuotes, cooldowns: memory.cooldowns,
    now, excessStreak: memory.excessStreak,
  };
}

/** The report before anything is launched or terminated; the plan's change and notes are added by the caller. */
export function openReport(
  workerType: string, iteration: number, now: number, obs: Observation, queue: QueueAnswer | null, times: PassTimes,
): IterationReport {
  return {
    workerType, iteration, at: new Date(now).toISOString(), pendingTasks: queue?.pendingTasks ?? null, queueError: queue?.queueError ?? null,
    capacity: obs.capacity, change: 0, launched: [], launchFailures: [], terminated: [], notes: [],
    ...(times.startedAt === undefined ? {} : { startedAt: times.startedAt }),
    ...(times.plannedAt === undefined ? {} : { plannedAt: times.plannedAt }),
  };
}

/** An idle plan: nothing to launch or terminate, so the iteration ends with its report. */
function isIdlePlan(plan: IterationPlan): boolean {
  return plan.launches.length === 0 && plan.terminations.length === 0;
}

/**
 * The iteration `req` asks for, planned as the loop plans it (the exact planner, the cooldowns
 * still in force at `now`), when its plan is idle: its report, the excess streak it leaves and
 * the observation's settings. Undefined when the plan launches or terminates, and for an
 * observation without stored on-demand prices (only the loop knows what it planned with then):
 * the loop runs it.
 */
export function settleIdleIteration(
  workerType: string, obs: Observation, queue: QueueAnswer, req: SettleRequest, allowedRegions: readonly string[], now: number,
): SettledIteration['settled'] | undefined {
  if (!obs.onDemandQuotes) return undefined;
  const memory = { cooldowns: liveCooldowns(req.memory.cooldowns, now), excessStreak: req.memory.excessStreak };
  const plan = planIteration({ ...planningInput(obs, queue, allowedRegions, memory, obs.onDemandQuotes, now), exact: true });
  if (!isIdlePlan(plan)) return undefined;
  const report = openReport(workerType, req.iteration, now, obs, queue, req.times);
  report.change = plan.change;
  report.notes.push(...plan.notes);
  return { report, excessStreak: plan.excessStreak, ...(obs.settings ? { settings: obs.settings } : {}) };
}
