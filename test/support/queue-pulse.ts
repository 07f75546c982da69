// The Queue's side of Pulse for tests and benchmarks: publishes task-pending messages the way
// the TaskCluster Queue does (its exchange, declared as it declares it; its routing key with
// workerGroup, workerId and reserved unset as `_`; its JSON body; persistent, with a CC header).
import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { TASK_PENDING_EXCHANGE } from '../../src/events/task-pending';

export interface QueuePulse {
  /** Publishes `count` task-pending messages for the worker type, each a new task; resolves once the broker confirmed them. */
  taskPending(provisionerId: string, workerType: string, count?: number): Promise<void>;
  close(): Promise<void>;
}

/** A slugid-like task id: 22 URL-safe base64 characters. */
const taskId = () => randomBytes(16).toString('base64url');

/** The body of the Queue's v1 task-pending message: the task status and the run that is pending. */
function body(provisionerId: string, workerType: string, id: string, taskGroupId: string) {
  const now = new Date();
  const later = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
  return {
    version: 1,
    status: {
      taskId: id, provisionerId, workerType, schedulerId: 'tc-tests', taskGroupId, deadline: later(1), expires: later(365),
      retriesLeft: 5, state: 'pending', runs: [{ runId: 0, state: 'pending', reasonCreated: 'scheduled', scheduled: now.toISOString() }],
    },
    runId: 0,
  };
}

export async function connectQueuePulse(url: string): Promise<QueuePulse> {
  let open: { connection: ChannelModel; channel: ConfirmChannel } | undefined;
  const channel = async () => {
    if (open) return open.channel;
    const connection = await amqp.connect(url, { timeout: 5_000 });
    const ch = await connection.createConfirmChannel();
    connection.on('error', () => undefined);
    connection.on('close', () => { open = undefined; });
    await ch.assertExchange(TASK_PENDING_EXCHANGE, 'topic', { durable: true, internal: false, autoDelete: false });
    open = { connection, channel: ch };
    return ch;
  };
  await channel(); // the exchange exists from now on, as in a deployment where the Queue runs
  return {
    async taskPending(provisionerId, workerType, count = 1) {
      const ch = await channel();
      const group = taskId();
      for (let i = 0; i < count; i++) {
        const id = taskId();
        const key = `primary.${id}.0._._.${provisionerId}.${workerType}.tc-tests.${group}._`;
        const content = Buffer.from(JSON.stringify(body(provisionerId, workerType, id, group)), 'utf8');
        ch.publish(TASK_PENDING_EXCHANGE, key, content, { persistent: true, contentType: 'application/json', contentEncoding: 'utf-8', CC: [] });
      }
      await ch.waitForConfirms();
    },
    close: async () => { await open?.connection.close().catch(() => undefined); },
  };
}
