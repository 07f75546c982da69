// Declaring a worker type to the TaskCluster Queue (description and owner), so the Queue and
// its UI list it. Best effort for the loop: it runs beside the iterations, never before them.
import { workerTypeDeclaration } from '../src/domain/queue-declaration';
import type { ActivityDeps } from './deps';

export function declareActivities(deps: ActivityDeps) {
  return {
    /**
     * Declares the stored definition; 'gone' when the worker type no longer exists. Throws a
     * failure of the Queue error's kind (src/queue/errors.ts): a refusal (401, 403) is not
     * retried, an outage is.
     */
    async declareWorkerType(workerType: string): Promise<'declared' | 'gone'> {
      const stored = await deps.repos.workerTypes.get(workerType);
      if (!stored) return 'gone';
      const declaration = workerTypeDeclaration(stored, deps.settings.workerTypeStability, deps.now());
      await deps.queue.declareWorkerType(deps.settings.provisionerId, workerType, declaration);
      return 'declared';
    },
  };
}
