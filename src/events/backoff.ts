// The retry delays of both Pulse links (the publisher and the task-pending consumer): capped
// exponential with jitter, so replicas that lost the broker together do not come back together.

export interface Backoff {
  /** First retry delay; doubled per consecutive failure up to maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** The delay before retry number `failures` (1-based), with ±20% jitter so replicas spread out. */
export function backoffMs(failures: number, timing: Backoff, random = Math.random): number {
  const base = Math.min(timing.maxBackoffMs, timing.initialBackoffMs * 2 ** (Math.max(1, failures) - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
