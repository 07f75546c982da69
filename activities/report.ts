// What the last iteration of a worker type saw and did, stored for the API (`state`,
// summaries) alongside the workflow's own query and UI details.
import { launchErrorChange, type IterationReport } from '../src/domain/iteration-report';
import type { ActivityDeps } from './deps';

export function reportActivities(deps: ActivityDeps) {
  return {
    async recordIteration(report: IterationReport): Promise<void> {
      await deps.repos.workerTypeStatus.recordIteration(report, launchErrorChange(report));
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
