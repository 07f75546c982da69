// Heartbeats while an activity waits, so Temporal tells a slow call from a dead worker: with
// a short heartbeatTimeout the attempt of a worker that died is retried within seconds,
// while a slow but live EC2 call (up to two SDK attempts of 20 s) is left to finish.
import { Context } from '@temporalio/activity';

/** How often to heartbeat; the SDK sends at most one per 80 % of the heartbeatTimeout anyway. */
const BEAT_MS = 1_000;

/**
 * Runs `work`, heartbeating until it settles. Outside an activity (plain calls in tests) it just runs it.
 *
 * Cancellation: while a worker shuts down, no cancel arrives during its grace period
 * (WORKER_SHUTDOWN_GRACE) and heartbeats go on, so `work` finishes. A cancel (the grace period
 * is over, the server asked, the heartbeat timed out) ends the attempt at once with the
 * CancelledFailure. `work` itself is not interrupted: it is abandoned and may still finish in
 * the background, which is safe only because what runs here is idempotent (a launch by its
 * ClientToken): the next attempt finds what this one did.
 */
export async function withHeartbeat<T>(work: () => Promise<T>): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), BEAT_MS);
  try {
    // race subscribes to both: a failure of abandoned work is handled, never unhandled.
    return await Promise.race([work(), context.cancelled]);
  } finally {
    clearInterval(timer);
  }
}
