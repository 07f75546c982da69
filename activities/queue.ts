// Asking the TaskCluster Queue how many tasks wait for a worker type.
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './failures';

export function queueActivities(deps: ActivityDeps) {
  return {
    /** Throws a failure of the Queue error's kind (src/queue/errors.ts) when the Queue gives no trustworthy answer. */
    async countPendingTasks(workerType: string): Promise<number> {
      try {
        const pending = await deps.queue.pendingTasks(deps.settings.provisionerId, workerType);
        deps.metrics.pendingTasks.set({ worker_type: workerType }, pending);
        return pending;
      } catch (err) {
        deps.metrics.queueErrors.inc({ worker_type: workerType });
        throw toActivityFailure(err);
      }
    },
  };
}
