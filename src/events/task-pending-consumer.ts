// Demand wakes the loop: the worker consumes the Queue's task-pending messages for our
// provisionerId and signals the worker type's loop, debounced (./debouncer.ts), so it
// iterates at once instead of at its next poll. The poll stays the path without Pulse and the
// fallback while Pulse is down: this link is optional, so its failures are logged (warn),
// retried with capped exponential backoff, and never reach readiness or crash the worker.
// A message is acknowledged once the signal covering it was sent; until then it counts
// against the prefetch, and a lost channel hands it to the next one (or another replica).
import amqp, { type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Logger } from '../logger';
import type { WorkerMetrics } from '../metrics/registry';
import { backoffMs, type Backoff } from './backoff';
import { createDebouncer, type Clock } from './debouncer';
import {
  TASK_PENDING_EXCHANGE, TASK_PENDING_QUEUE_OPTIONS, taskPendingBinding, taskPendingQueueName, workerTypeOfTaskPending,
} from './task-pending';

export interface WakeupTiming extends Backoff {
  /** Per worker type, at most one leading and one trailing signal per window. */
  windowMs: number;
  /** Unacknowledged messages the broker may hand over: a burst is held, not refused, during a window. */
  prefetch: number;
}

const DEFAULT_WAKEUP_TIMING: WakeupTiming = { windowMs: 1_000, prefetch: 1_000, initialBackoffMs: 500, maxBackoffMs: 10_000 };

/** `sent`, or `absent` when the worker type has no running loop; rejects when Temporal did not take the signal. */
export type Wake = (workerType: string) => Promise<'sent' | 'absent'>;

export interface WakeupOptions {
  url: string;
  provisionerId: string;
  wake: Wake;
  logger: Logger;
  metrics: Pick<WorkerMetrics, 'pulseMessages' | 'pulseSignals' | 'pulseReconnects' | 'pulseConnected'>;
  timing?: WakeupTiming;
  clock?: Clock;
}

export interface TaskPendingWakeups {
  /** Whether the queue is being consumed now. */
  connected(): boolean;
  /** Closes the link (messages not yet acknowledged go back to the queue) and ends the reconnect loop. */
  stop(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;

/** One connection: its channel consumes the queue until it closes; resolves `closed` then. */
async function openSession(opts: WakeupOptions, timing: WakeupTiming): Promise<{ connection: ChannelModel; closed: Promise<void> }> {
  const { logger, metrics, provisionerId } = opts;
  const connection = await amqp.connect(opts.url, { timeout: CONNECT_TIMEOUT_MS });
  const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
  connection.on('error', (err: Error) => logger.warn({ err: err.message }, 'Pulse connection for task-pending wake-ups failed'));
  try {
    const channel = await connection.createChannel();
    channel.on('error', (err: Error) => logger.warn({ err: err.message }, 'Pulse channel for task-pending wake-ups failed'));
    channel.once('close', () => void connection.close().catch(() => undefined));
    const ack = (messages: ConsumeMessage[]) => {
      for (const m of messages) {
        try { channel.ack(m); } catch { /* the channel closed: the broker redelivers the message */ }
      }
    };
    const debouncer = createDebouncer<ConsumeMessage>({
      windowMs: timing.windowMs, retry: timing, clock: opts.clock, release: ack,
      fire: async (workerType) => {
        const outcome = await opts.wake(workerType);
        metrics.pulseSignals.inc({ outcome });
        if (outcome === 'absent') logger.debug({ workerType }, 'task pending for a worker type without a loop; ignored');
      },
      failed: (workerType, err, retryInMs) => {
        metrics.pulseSignals.inc({ outcome: 'failed' });
        logger.warn({ workerType, err: (err as Error).message, retryInMs }, 'waking the loop for pending tasks failed; retrying');
      },
    });
    void closed.then(() => debouncer.stop());
    const queue = taskPendingQueueName(opts.url, provisionerId);
    await channel.prefetch(timing.prefetch);
    await channel.assertQueue(queue, TASK_PENDING_QUEUE_OPTIONS);
    await channel.bindQueue(queue, TASK_PENDING_EXCHANGE, taskPendingBinding(provisionerId));
    await channel.consume(queue, (message) => {
      if (!message) return void connection.close().catch(() => undefined); // cancelled by the broker (queue deleted)
      metrics.pulseMessages.inc();
      const workerType = workerTypeOfTaskPending(message.fields.routingKey, provisionerId);
      if (workerType) debouncer.add(workerType, message);
      else ack([message]);
    }, { noAck: false });
    logger.info({ broker: new URL(opts.url).host, queue }, 'listening for pending tasks on Pulse');
    return { connection, closed };
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}

/** Starts consuming; returns at once (the first connection is made in the background). */
export function startTaskPendingWakeups(opts: WakeupOptions): TaskPendingWakeups {
  const timing = opts.timing ?? DEFAULT_WAKEUP_TIMING;
  const { logger, metrics } = opts;
  let stopped = false;
  let current: ChannelModel | undefined;
  let interrupt: (() => void) | undefined;

  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() { clearTimeout(timer); interrupt = undefined; resolve(); }
    interrupt = done;
  });

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      try {
        const session = await openSession(opts, timing);
        if (stopped) await session.connection.close().catch(() => undefined);
        current = session.connection;
        metrics.pulseConnected.set(1);
        failures = 0;
        await session.closed;
        if (!stopped) logger.warn('Pulse connection for task-pending wake-ups closed; reconnecting (the poll carries on meanwhile)');
      } catch (err) {
        failures += 1;
        if (!stopped) logger.warn({ err: (err as Error).message, attempt: failures }, 'connecting to Pulse for task-pending wake-ups failed; retrying');
      } finally {
        current = undefined;
        metrics.pulseConnected.set(0);
      }
      if (stopped) break;
      await pause(backoffMs(failures, timing));
      metrics.pulseReconnects.inc();
    }
  }

  const loop = run();
  return {
    connected: () => current !== undefined,
    async stop() {
      stopped = true;
      interrupt?.();
      await current?.close().catch(() => undefined);
      await loop;
    },
  };
}
