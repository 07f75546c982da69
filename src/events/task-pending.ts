// The Queue's task-pending exchange as this service consumes it: the exchange, the binding to
// our provisionerId, the durable queue's name and options, and reading a message's routing key.
import { IDENTIFIER_REGEXP } from '../domain/identifiers';

export const TASK_PENDING_EXCHANGE = 'exchange/taskcluster-queue/v1/task-pending';

/**
 * The Queue's routing key words, in order:
 * routingKeyKind.taskId.runId.workerGroup.workerId.provisionerId.workerType.schedulerId.taskGroupId.reserved
 */
const PROVISIONER_WORD = 5;
const WORKER_TYPE_WORD = 6;
const MIN_WORDS = 10;

/** Every pending task of our provisioner, whatever its worker type, scheduler or group. */
export function taskPendingBinding(provisionerId: string): string {
  return `primary.*.*.*.*.${provisionerId}.#`;
}

/**
 * `queue/<namespace>/<provisionerId>/task-pending`: Pulse lets a user declare only queues
 * under `queue/<user>/`, as taskcluster-lib-pulse names them, so the namespace is the user of
 * PULSE_URL. The provisionerId makes it one queue per deployment, shared by its worker
 * replicas (they compete for its messages), and durable: demand announced while every worker
 * was down is still there when one comes back.
 */
export function taskPendingQueueName(pulseUrl: string, provisionerId: string): string {
  const user = decodeURIComponent(new URL(pulseUrl).username) || 'guest';
  return `queue/${user}/${provisionerId}/task-pending`;
}

/**
 * Durable, shared, kept while no worker runs. The length cap keeps an unread queue from growing
 * without end (Pulse deletes queues that do): only recent demand matters, so the oldest
 * messages go first. A queue already declared with other options is refused by the broker
 * (PRECONDITION_FAILED), so these never change.
 */
export const TASK_PENDING_QUEUE_OPTIONS = {
  durable: true, exclusive: false, autoDelete: false, arguments: { 'x-max-length': 10_000, 'x-overflow': 'drop-head' },
} as const;

/** The worker type a task-pending message is for, or null when it is not ours or not well formed. */
export function workerTypeOfTaskPending(routingKey: string, provisionerId: string): string | null {
  const words = routingKey.split('.');
  if (words.length < MIN_WORDS || words[0] !== 'primary' || words[PROVISIONER_WORD] !== provisionerId) return null;
  const workerType = words[WORKER_TYPE_WORD]!;
  return IDENTIFIER_REGEXP.test(workerType) ? workerType : null;
}
