// Heartbeats while an activity waits, so Temporal tells a slow call from a dead worker: with
// a short heartbeatTimeout the attempt of a worker that died is retried within seconds,
// while a slow but live EC2 call (up to two SDK attempts of 20 s) is left to finish.
import { Context } from '@temporalio/activity';

/** How often to heartbeat; the SDK sends at most one per 80 % of the heartbeatTimeout anyway. */
const BEAT_MS = 1_000;

/** Runs `work`, heartbeating until it settles. Outside an activity (plain calls in tests) it just runs it. */
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
    return await work();
  } finally {
    clearInterval(timer);
  }
}
