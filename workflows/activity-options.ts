// Timeouts and retry policies of every activity, in one place: the workflows use them, and
// tests derive their bounds from them (how many EC2 calls a fault may cause, how soon the
// activity of a dead worker is retried). Durations are in milliseconds.
//
// Contract: an activity whose worker died is retried within about one iteration interval
// (30 s by default): launches heartbeat while they wait (LOOP_LAUNCH.heartbeatTimeout),
// the other activities of the loop have startToCloseTimeouts of at most 30 s.
//
// The policies below bound retries of failures that can pass. An activity's failure of a
// permanent kind (capacity, invalid, permission, not-found; src/domain/failure-kinds.ts) is
// non-retryable and ends its retries at once; a throttled one waits THROTTLE_RETRY_DELAY_MS
// instead of the backoff.
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** Database reads and writes of the worker type loop. */
export const LOOP_DATA = {
  startToCloseTimeout: 30 * SECOND,
  retry: { initialInterval: SECOND, backoffCoefficient: 2, maximumInterval: 20 * SECOND, maximumAttempts: 5 },
} satisfies ActivityOptions;

/**
 * observeIteration, a local activity: the database reads of LOOP_DATA plus at most two Queue
 * attempts of the Queue client's 10 s timeout each (activities/iteration-inputs.ts).
 */
export const LOOP_OBSERVE = {
  startToCloseTimeout: 45 * SECOND,
  retry: LOOP_DATA.retry,
} satisfies LocalActivityOptions;

/** recordIteration as a local activity (lean iterations). */
export const LOOP_RECORD = { startToCloseTimeout: LOOP_DATA.startToCloseTimeout, retry: LOOP_DATA.retry } satisfies LocalActivityOptions;

/** Asking the Queue; on failure the iteration goes on without demand data. */
export const LOOP_QUEUE = {
  startToCloseTimeout: 20 * SECOND,
  retry: { initialInterval: SECOND, backoffCoefficient: 2, maximumAttempts: 3 },
} satisfies ActivityOptions;

/**
 * Declaring the worker type to the Queue: runs beside the iterations, so its retries may take
 * long (about an hour in all) without holding up provisioning.
 */
export const LOOP_DECLARE = {
  startToCloseTimeout: 30 * SECOND, scheduleToCloseTimeout: 60 * MINUTE,
  retry: { initialInterval: 5 * SECOND, backoffCoefficient: 2, maximumInterval: 10 * MINUTE, maximumAttempts: 10 },
} satisfies ActivityOptions;

/** launchInstance: heartbeats every second while it waits on the database and EC2. */
export const LOOP_LAUNCH = {
  startToCloseTimeout: 2 * MINUTE, heartbeatTimeout: 10 * SECOND, scheduleToCloseTimeout: 10 * MINUTE,
  retry: { initialInterval: 2 * SECOND, backoffCoefficient: 2, maximumInterval: MINUTE, maximumAttempts: 8 },
} satisfies ActivityOptions;

/** Terminations by the loop; they heartbeat after each region. */
export const LOOP_EC2 = {
  startToCloseTimeout: 2 * MINUTE, heartbeatTimeout: MINUTE, scheduleToCloseTimeout: 10 * MINUTE,
  retry: { initialInterval: 2 * SECOND, backoffCoefficient: 2, maximumInterval: MINUTE, maximumAttempts: 8 },
} satisfies ActivityOptions;

/** The region inventory's EC2 reads (one pass); a failed pass is retried at the next interval. */
export const REGION_EC2 = {
  startToCloseTimeout: 3 * MINUTE, heartbeatTimeout: MINUTE, scheduleToCloseTimeout: 6 * MINUTE,
  retry: { initialInterval: 2 * SECOND, backoffCoefficient: 2, maximumInterval: 30 * SECOND, maximumAttempts: 4 },
} satisfies ActivityOptions;

export const REGION_DATA = { startToCloseTimeout: 30 * SECOND, retry: { maximumAttempts: 3 } } satisfies ActivityOptions;

export const SHUTDOWN_DATA = { startToCloseTimeout: 30 * SECOND, retry: { maximumAttempts: 5 } } satisfies ActivityOptions;

export const SHUTDOWN_EC2 = {
  startToCloseTimeout: 3 * MINUTE, heartbeatTimeout: MINUTE, retry: { initialInterval: 2 * SECOND, maximumAttempts: 10 },
} satisfies ActivityOptions;
