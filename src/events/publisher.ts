// Drains the event outbox to Pulse. It runs in every API replica (the process that writes
// the outbox rows, so a replica configured with PULSE_URL both writes and sends, and a commit
// wakes its own publisher at once); the outbox's row claims keep replicas from sending a row
// twice. Publishing uses a confirm channel, and a row is deleted only after the broker
// confirmed its message: a broker outage delays events, it never loses or fails an API write.
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Logger } from '../logger';
import type { EventOutbox, OutboxHook, OutboxRow } from '../db/event-outbox';
import { backoffMs, type Backoff } from './backoff';
import { EXCHANGES, EXCHANGE_PREFIX, messageFor, routingKeyFor } from './exchanges';

export { backoffMs };

export interface PublisherTiming extends Backoff {
  /** How often the outbox is checked without a local commit (rows of replicas that died, or added elsewhere). */
  pollIntervalMs: number;
  /** How long the broker may take to confirm a batch before the attempt counts as failed. */
  confirmTimeoutMs: number;
}

export const DEFAULT_PUBLISHER_TIMING: PublisherTiming = {
  pollIntervalMs: 5_000, initialBackoffMs: 500, maxBackoffMs: 15_000, confirmTimeoutMs: 10_000,
};

/** Rows per transaction: a batch is confirmed, then deleted, together. */
const BATCH_SIZE = 100;
const CONNECT_TIMEOUT_MS = 5_000;

/** As taskcluster-lib-pulse publishes: persistent JSON, and an (empty) CC list. */
const MESSAGE_PROPERTIES = { persistent: true, contentType: 'application/json', contentEncoding: 'utf-8', CC: [] as string[] };

export interface EventPublisher extends OutboxHook {
  start(): void;
  /** Waits for a drain in progress, then closes the broker connection. */
  stop(): Promise<void>;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A connection and confirm channel, reopened after any failure; the URL (and its password) is never logged. */
function brokerLink(url: string, logger: Logger) {
  let open: { connection: ChannelModel; channel: ConfirmChannel } | undefined;
  const forget = (connection: ChannelModel) => { if (open?.connection === connection) open = undefined; };

  async function connect(): Promise<ConfirmChannel> {
    const connection = await amqp.connect(url, { timeout: CONNECT_TIMEOUT_MS });
    connection.on('error', (err: Error) => logger.warn({ err: err.message }, 'Pulse connection failed'));
    connection.on('close', () => forget(connection));
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', (err: Error) => logger.warn({ err: err.message }, 'Pulse channel failed'));
      channel.on('close', () => { forget(connection); void connection.close().catch(() => undefined); });
      for (const { exchange } of EXCHANGES) {
        await channel.assertExchange(EXCHANGE_PREFIX + exchange, 'topic', { durable: true, internal: false, autoDelete: false });
      }
      open = { connection, channel };
      logger.info({ broker: new URL(url).host }, 'connected to Pulse');
      return channel;
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  return {
    channel: async () => open?.channel ?? connect(),
    /** Drops the connection, e.g. after a confirm that never came. */
    async reset() {
      const current = open;
      open = undefined;
      await current?.connection.close().catch(() => undefined);
    },
    close: async () => open?.connection.close().catch(() => undefined),
  };
}

function publishOne(channel: ConfirmChannel, row: OutboxRow): Promise<void> {
  const body = Buffer.from(JSON.stringify(messageFor(row.workerType)), 'utf8');
  return new Promise((resolve, reject) => {
    channel.publish(EXCHANGE_PREFIX + row.exchange, routingKeyFor(row.workerType), body, MESSAGE_PROPERTIES,
      (err: unknown) => (err ? reject(err instanceof Error ? err : new Error('the broker refused the message')) : resolve()));
  });
}

const KNOWN_EXCHANGES = new Set<string>(EXCHANGES.map((e) => e.exchange));

export function createEventPublisher(url: string, outbox: EventOutbox, logger: Logger, timing = DEFAULT_PUBLISHER_TIMING): EventPublisher {
  const link = brokerLink(url, logger);
  let stopped = true;
  let loop: Promise<void> | undefined;
  let again = false;
  let wake: (() => void) | undefined;

  /** Rows that can never be published (unknown exchange, invalid name) are logged and dropped rather than block the rest. */
  async function send(rows: OutboxRow[]): Promise<void> {
    const channel = await link.channel();
    const valid = rows.filter((row) => {
      try {
        if (!KNOWN_EXCHANGES.has(row.exchange)) throw new Error(`unknown exchange ${row.exchange}`);
        messageFor(row.workerType);
        return true;
      } catch (err) {
        logger.error({ id: String(row.id), exchange: row.exchange, err: (err as Error).message }, 'event dropped: it cannot be published');
        return false;
      }
    });
    try {
      await withTimeout(Promise.all(valid.map((row) => publishOne(channel, row))), timing.confirmTimeoutMs, 'broker confirmation');
    } catch (err) {
      await link.reset();
      throw err;
    }
    for (const row of valid) logger.info({ exchange: row.exchange, workerType: row.workerType }, 'event published');
  }

  async function drainAll(): Promise<void> {
    await link.channel(); // no rows are claimed while the broker is unreachable
    while (!stopped && await outbox.drain(BATCH_SIZE, timing.confirmTimeoutMs + 5_000, send) === BATCH_SIZE) { /* next batch */ }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      again = false;
      try {
        await drainAll();
        failures = 0;
      } catch (err) {
        failures += 1;
        const retryInMs = backoffMs(failures, timing);
        logger.warn({ err: (err as Error).message, attempt: failures, retryInMs }, 'publishing events failed; retrying');
        await pause(retryInMs, false);
        continue;
      }
      if (!again) await pause(timing.pollIntervalMs, true);
    }
  }

  /** Waits `ms`; a commit (`wakeable`) or stop() ends the wait early. */
  function pause(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); wake = undefined; resolve(); }
      wake = wakeable ? done : () => { if (stopped) done(); };
    });
  }

  return {
    committed() {
      again = true;
      wake?.();
    },
    start() {
      if (!stopped) return;
      stopped = false;
      loop = run();
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await link.close();
    },
  };
}
