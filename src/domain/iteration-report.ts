// What one provisioning iteration of a worker type saw and did. Workflows return it, the
// lastIteration query answers it and the status table stores it, so its JSON shape is a wire
// format: recorded histories replay against it (test/workflows/replay.test.ts).
import type { LedgerCapacity } from './capacity-states';

export interface IterationReport {
  workerType: string;
  iteration: number;
  at: string;
  pendingTasks: number | null;
  queueError: string | null;
  capacity: LedgerCapacity;
  change: number;
  launched: Array<{ instanceId: string; region: string; zone: string; instanceType: string; market: string }>;
  launchFailures: Array<{ region: string; zone: string; instanceType: string; market: string; code: string; message?: string }>;
  terminated: Array<{ instanceId: string; reason: string }>;
  notes: string[];
  /** ISO 8601: when the pass began (before its observation); absent in reports of older histories. */
  startedAt?: string;
  /** ISO 8601: when the pass was due (its timer's deadline, or the signal that woke it); absent for the first pass of a run. */
  plannedAt?: string;
}

/** Longest launch error kept for the API, in characters. */
export const MAX_LAUNCH_ERROR_LENGTH = 1000;

/** A change of the last launch error: a new one (with when it happened), or cleared. */
export type LaunchErrorChange = { lastLaunchError: string; lastErrorAt: string } | { lastLaunchError: null };

/**
 * How an iteration changes the worker type's last launch error: set by the first failure
 * that carries EC2's message (an invalid request, which retrying cannot fix), cleared by a
 * clean iteration that launched (the problem is gone), otherwise kept (null).
 */
export function launchErrorChange(report: IterationReport): LaunchErrorChange | null {
  const invalid = report.launchFailures.find((f) => f.message !== undefined);
  if (invalid) return { lastLaunchError: `${invalid.code}: ${invalid.message}`.slice(0, MAX_LAUNCH_ERROR_LENGTH), lastErrorAt: report.at };
  return report.launched.length > 0 ? { lastLaunchError: null } : null;
}
