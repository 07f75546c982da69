// Asking the TaskCluster Queue how many tasks wait for a worker type.
import { ApplicationFailure } from '@temporalio/activity';
import { QueueUnavailableError } from '../src/queue/queue-client';
import type { ActivityDeps } from './deps';

export function queueActivities(deps: ActivityDeps) {
  return {
    /** Throws QueueUnavailable (retryable) when the Queue gives no trustworthy answer. */
    async countPendingTasks(workerType: string): Promise<number> {
      try {
        return await deps.queue.pendingTasks(deps.settings.provisionerId, workerType);
      } catch (err) {
        if (err instanceof QueueUnavailableError) throw ApplicationFailure.create({ message: err.message, type: 'QueueUnavailable' });
        throw err;
      }
    },
  };
}
