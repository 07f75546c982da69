// What the last iteration of a worker type saw and did, stored for the API (`state`,
// summaries) alongside the workflow's own query and UI details, logged as one line and
// turned into the worker's metrics.
import { log } from '@temporalio/activity';
import { launchErrorChange, type IterationReport } from '../src/domain/iteration-report';
import { recordIterationMetrics } from '../src/metrics/recorders';
import type { ActivityDeps } from './deps';

/** The one log line of an iteration: what it saw and decided, without instance ids or messages of unbounded length. */
export function iterationLogFields(report: IterationReport): Record<string, unknown> {
  const terminations: Record<string, number> = {};
  for (const { reason } of report.terminated) terminations[reason] = (terminations[reason] ?? 0) + 1;
  return {
    workerType: report.workerType, iteration: report.iteration, pendingTasks: report.pendingTasks,
    ...(report.queueError ? { queueError: report.queueError } : {}),
    capacity: report.capacity, change: report.change,
    launches: report.launched.map(({ region, zone, instanceType, market }) => ({ region, zone, instanceType, market })),
    launchFailures: report.launchFailures.map(({ region, zone, instanceType, market, code }) => ({ region, zone, instanceType, market, code })),
    terminations, notes: report.notes,
  };
}

export function reportActivities(deps: ActivityDeps) {
  return {
    /**
     * Stores the report unless it repeats the stored one (see the repository: idle loops
     * write every iterationRecordMaxAgeMs); metrics and the log line follow every iteration.
     * Its launch failures also go to the history, keyed by the iteration's time (a retry adds nothing).
     */
    async recordIteration(report: IterationReport): Promise<void> {
      await deps.repos.workerTypeStatus.recordIteration(report, launchErrorChange(report), deps.settings.loop.iterationRecordMaxAgeMs);
      const failures = report.launchFailures.map((f) => ({ ...f, message: f.message ?? null }));
      await deps.repos.history.recordLaunchFailures(report.workerType, failures, new Date(report.at), report.at);
      // After the write: a retried attempt counts the iteration once.
      recordIterationMetrics(deps.metrics, report, deps.now().getTime());
      log.info('iteration', iterationLogFields(report));
    },

    /**
     * A pass of the loop failed after its retries (`error` is the public text, never internal
     * detail). Before the first iteration the row is created with iteration 0, which `state`
     * reports as no iteration yet.
     */
    async recordLoopFailure(req: { workerType: string; error: string }): Promise<void> {
      const at = deps.now();
      const loopError = req.error.slice(0, 1000);
      await deps.repos.workerTypeStatus.recordLoopFailure(req.workerType, loopError, at);
    },
  };
}
