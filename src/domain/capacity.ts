// How many capacity units to add (positive) or remove (negative) for one worker type (spec §3.3).

export interface CapacityInput {
  /** Capacity units of running instances; assumed fully busy. */
  runningCapacity: number;
  /** Capacity units of requested, not yet running instances; assumed to absorb pending tasks. */
  pendingCapacity: number;
  /** Tasks waiting in the Queue for this worker type. */
  pendingTasks: number;
  minCapacity: number;
  /** Ceiling of running + pending capacity, not of new requests alone. */
  maxCapacity: number;
  /**
   * Pending tasks left in the Queue without launching for them, as a fraction of running
   * capacity; 0 launches for every pending task.
   */
  scalingRatio: number;
}

/**
 * The original formula, kept bug for bug so decisions match the old service: the ceiling is
 * applied with `>=`, and it may return a negative number when running + pending already
 * exceeds maxCapacity. The floor holds even with no pending tasks.
 */
export function capacityChange(input: CapacityInput): number {
  const { runningCapacity: r, pendingCapacity: p, pendingTasks: t } = input;
  const desiredPending = Math.round(input.scalingRatio * r);
  const change = t - p - desiredPending;
  const after = change + p + r;
  if (after >= input.maxCapacity) {
    return input.maxCapacity - r - p;
  }
  if (after < input.minCapacity) {
    return input.minCapacity - r - p;
  }
  return change;
}
