// Everything one provisioning iteration reads before it decides, in one call: the observation
// (observeWorkerType) and the Queue's count of pending tasks. The loop runs it as a local
// activity, so an idle iteration costs one workflow task and no activity task round trips;
// asked to, it also plans an idle iteration and records its report, saving the loop a second call.
import { ApplicationFailure, log } from '@temporalio/activity';
import { FAILURE_SEMANTICS, kindOfFailureType } from '../src/domain/failure-kinds';
import { settleIdleIteration } from '../src/domain/iteration-start';
import type { IterationInputs, Observation, QueueAnswer, SettledIteration, SettleRequest } from '../src/domain/observation';
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './failures';
import { observeActivities } from './observe';
import { queueActivities } from './queue';
import { reportActivities } from './report';

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
  const { recordIteration } = reportActivities(deps);

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

  /** The idle iteration planned and recorded here, or undefined when it has work for the loop. */
  async function settleIfIdle(workerType: string, observation: Observation, queue: QueueAnswer, req: SettleRequest): Promise<SettledIteration | undefined> {
    const settled = settleIdleIteration(workerType, observation, queue, req, deps.settings.allowedRegions, deps.now().getTime());
    if (!settled) return undefined;
    try {
      await recordIteration(settled.report);
    } catch (err) {
      // As the loop treats its own record: the iteration stands, the next record catches up.
      log.warn('could not record the iteration report', { workerType, error: err instanceof Error ? err.message : String(err) });
    }
    return { settled };
  }

  return {
    /**
     * null when the worker type no longer exists (the Queue, asked alongside, is then ignored). A Queue that
     * gives no trustworthy answer is reported in the result, never thrown: the iteration goes
     * on without demand data, as the Queue faults require. With `settle`, an idle iteration
     * (nothing to launch or terminate) is planned and recorded here and only its report comes
     * back, so the loop spends one local activity on it; otherwise the inputs come back as without.
     */
    async observeIteration(workerType: string, settle?: SettleRequest): Promise<IterationInputs | SettledIteration | null> {
      const [observation, queue] = await Promise.all([observeWorkerType(workerType), pendingTasks(workerType)]);
      if (!observation) return null;
      const settled = settle ? await settleIfIdle(workerType, observation, queue, settle) : undefined;
      return settled ?? { observation, ...queue };
    },
  };
}
