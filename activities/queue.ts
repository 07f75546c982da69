// Asking the TaskCluster Queue how many tasks wait for a worker type.
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './failures';

export function queueActivities(deps: ActivityDeps) {
  return {
    /** Throws a failure of the Queue error's kind (src/queue/errors.ts) when the Queue gives no trustworthy answer. */
    async countPendingTasks(workerType: string): Promise<number> {
      try {
        return await deps.queue.pendingTasks(deps.settings.provisionerId, workerType);
      } catch (err) {
        throw toActivityFailure(err);
      }
    },
  };
}
