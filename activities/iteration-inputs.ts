// Everything one provisioning iteration reads before it decides, in one call: the observation
// (observeWorkerType) and the Queue's count of pending tasks. The loop runs it as a local
// activity, so an idle iteration costs one workflow task and no activity task round trips.
import { ApplicationFailure, log } from '@temporalio/activity';
import { FAILURE_SEMANTICS, kindOfFailureType } from '../src/domain/failure-kinds';
import type { IterationInputs, QueueAnswer } from '../src/domain/observation';
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './failures';
import { observeActivities } from './observe';
import { queueActivities } from './queue';

/**
 * Attempts at the Queue per iteration. Two at most: each may take the Queue client's whole
 * timeout, and the next iteration asks again anyway.
 */
const QUEUE_ATTEMPTS = 2;
const QUEUE_RETRY_DELAY_MS = 1_000;

const delay = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); });

/**
 * The Queue error as `state` shows it, written for people and free of request details: the
 * classified message (src/queue/errors.ts), or what kind of failure it was.
 */
function publicQueueError(failure: unknown): string {
  if (failure instanceof ApplicationFailure && kindOfFailureType(failure.type) !== undefined) {
    return failure.message.split('\n')[0]!.slice(0, 300);
  }
  return 'internal error (details in the worker logs)';
}

export function iterationInputActivities(deps: ActivityDeps) {
  const { observeWorkerType } = observeActivities(deps);
  const { countPendingTasks } = queueActivities(deps);

  /** The count, or the Queue's error as text after QUEUE_ATTEMPTS (one when retrying cannot help). */
  async function pendingTasks(workerType: string): Promise<QueueAnswer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { pendingTasks: await countPendingTasks(workerType), queueError: null };
      } catch (err) {
        // countPendingTasks throws its failure already classified (an ApplicationFailure of its kind).
        const failure = toActivityFailure(err);
        const kind = failure instanceof ApplicationFailure ? kindOfFailureType(failure.type) : undefined;
        const retryable = kind === undefined || FAILURE_SEMANTICS[kind].retryable;
        if (!retryable || attempt >= QUEUE_ATTEMPTS) {
          if (kind === undefined) log.warn('the Queue count failed', { workerType, error: err instanceof Error ? err.message : String(err) });
          return { pendingTasks: null, queueError: publicQueueError(failure) };
        }
        await delay(kind ? (FAILURE_SEMANTICS[kind].nextRetryDelayMs ?? QUEUE_RETRY_DELAY_MS) : QUEUE_RETRY_DELAY_MS);
      }
    }
  }

  return {
    /**
     * null when the worker type no longer exists (the Queue, asked alongside, is then ignored). A Queue that
     * gives no trustworthy answer is reported in the result, never thrown: the iteration goes
     * on without demand data, as the Queue faults require.
     */
    async observeIteration(workerType: string): Promise<IterationInputs | null> {
      const [observation, queue] = await Promise.all([observeWorkerType(workerType), pendingTasks(workerType)]);
      return observation ? { observation, ...queue } : null;
    },
  };
}
