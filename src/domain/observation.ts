// What one provisioning iteration reads before it decides (observeWorkerType). Workflow
// state: its JSON shape is a wire format that recorded histories replay against.
import type { LedgerCapacity } from './capacity-states';
import type { IterationReport } from './iteration-report';
import type { LoopMemory, PassTimes } from './iteration-start';
import type { UnregisteredInstance } from './iteration-plan';
import type { OnDemandQuote, SpotQuote } from './offerings';
import type { PlanningDefinition } from './planning-definition';

export interface Observation {
  /** Only what decisions read (see planningView): the history never holds launch specs, user data or secrets. */
  definition: Required<PlanningDefinition>;
  capacity: LedgerCapacity;
  /** Instances that have not registered (the wire name is kept for recorded histories). */
  unstarted: UnregisteredInstance[];
  zones: Record<string, string[]>;
  spotQuotes: SpotQuote[];
  /**
   * Stored on-demand prices of the definition's types in its regions (at most
   * ON_DEMAND_PRICE_MAX_AGE_MS old). Absent only in observations recorded before prices were
   * stored: replaying those uses the prices they were planned with (workflows/pre-stored-on-demand-prices.ts).
   */
  onDemandQuotes?: OnDemandQuote[];
  /**
   * The worker's configuration now, which the loop follows from this iteration on. Absent in
   * observations recorded before it existed: the loop then keeps its start input.
   */
  settings?: { intervalMs: number; cooldownMs: number; allowedRegions: string[] };
}

/** What the Queue said: the count of pending tasks, or null with `queueError` saying why. */
export interface QueueAnswer {
  pendingTasks: number | null;
  queueError: string | null;
}

/**
 * What the loop's lean iterations read in one call (observeIteration). Flat, as recorded
 * histories hold it: the observation and the Queue's answer.
 */
export interface IterationInputs extends QueueAnswer {
  observation: Observation;
}

/**
 * The loop's request that observeIteration settle the iteration itself when it is idle: the
 * number the iteration will have, what the plan reads of the loop's state, and the pass's times.
 */
export interface SettleRequest {
  iteration: number;
  memory: LoopMemory;
  times: PassTimes;
}

/**
 * An idle iteration observeIteration planned and recorded itself (nothing to launch or
 * terminate): its report, the excess streak it leaves, and the worker's settings, as the loop
 * would have taken them from the observation.
 */
export interface SettledIteration {
  settled: { report: IterationReport; excessStreak: number; settings?: Observation['settings'] };
}
