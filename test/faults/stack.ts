// The fault tests assemble the roles the way src/main.ts does (startApiProcess,
// startWorkerProcess), against a database and a Temporal server the test owns and can stop,
// with the EC2 proxy in front of the shared moto and the local Queue server. Any number of
// API and worker replicas can share one stack, each with its own database pool and its own
// Temporal connections, as separate processes would have.
import { randomBytes } from 'node:crypto';
import { EC2Client } from '@aws-sdk/client-ec2';
import { loadConfig, type Config } from '../../src/config';
import { createPrisma, type PrismaClient } from '../../src/db/client';
import { LIVE_STATES } from '../../src/db/ledger';
import { hashToken } from '../../src/db/secret-box';
import { createLogger, type Logger } from '../../src/logger';
import { startApiProcess } from '../../src/processes/api-process';
import { startWorkerProcess } from '../../src/processes/worker-process';
import { startLocalQueueServer, type LocalQueueServer } from '../../src/queue/local-queue-server';
import { startPricingStandIn, type PricingStandIn } from '../support/pricing-standin';
import type { AwsProvisionerClient } from '../support/api-harness';
import { startEc2Proxy, type Ec2Proxy } from '../support/ec2-proxy';
import { ROOT_TOKEN, SECRETS_KEY, TEST_REGIONS, prepareFixtures } from '../support/environment';
import { SPOT_PRICES } from '../support/fixtures';
import { eventually } from '../support/eventually';
import { MOTO_URL_ENV, WORKFLOW_BUNDLE_ENV } from '../support/global-services';
import { ownedInstances, userDataOf, type MotoInstance } from '../support/moto-inspect';

// taskcluster-client 1.6.3 is CommonJS without types.
const taskcluster = require('taskcluster-client');

/** Spot prices that make c5.xlarge in us-west-2 the cheapest offering. */
export { SPOT_PRICES };

export interface ApiReplica { url: string; client(): AwsProvisionerClient; stop(): Promise<void> }
export interface WorkerReplica {
  /** The replica's /metrics, /healthz and /readyz listener. */
  metricsUrl: string;
  stop(): Promise<void>;
}

export interface FaultStack {
  config: Config;
  proxy: Ec2Proxy;
  /** The Price List the replicas ask for on-demand prices; empty unless a test sets some. */
  pricing: PricingStandIn;
  queue: LocalQueueServer;
  logger: Logger;
  /** Every log line of every replica, raw JSON text. */
  logs: string[];
  /** A database client for the test's own reads (its own pool). */
  db: PrismaClient;
  rawEc2(region: string): EC2Client;
  setPending(workerType: string, n: number): void;
  /** An API replica as `node dist/src/main.js api` runs it, on an ephemeral port. */
  startApi(): Promise<ApiReplica>;
  /** A worker replica as `node dist/src/main.js worker` runs it (prebuilt workflow bundle). */
  startWorker(): Promise<WorkerReplica>;
  stop(): Promise<void>;
}

export async function startFaultStack(vars: { DATABASE_URL: string; TEMPORAL_ADDRESS: string } & Record<string, string>): Promise<FaultStack> {
  const motoUrl = process.env[MOTO_URL_ENV];
  if (!motoUrl) throw new Error(`${MOTO_URL_ENV} is unset: run tests through jest (its global setup starts moto)`);
  const [proxy, queue, pricing] = await Promise.all([startEc2Proxy(motoUrl), startLocalQueueServer(), startPricingStandIn()]);
  proxy.setSpotPrices(SPOT_PRICES);
  const config = loadConfig({
    ROOT_ACCESS_TOKEN: ROOT_TOKEN, SECRETS_KEY, LOG_LEVEL: 'debug', PORT: '0',
    ALLOWED_REGIONS: TEST_REGIONS.join(','), PROVISIONER_ID: `fault-${randomBytes(4).toString('hex')}`,
    TASKCLUSTER_ROOT_URL: queue.url, AWS_ENDPOINT_URL_EC2: proxy.url, AWS_ENDPOINT_URL_PRICING: pricing.url,
    ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1',
    // The faults follow iterations through the stored record: every iteration is written.
    ITERATION_RECORD_MAX_AGE: '0',
    // Replicas share the process: each worker's listener on a free port, the SDK's process-wide exporter off.
    WORKER_METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', ...vars,
  });
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const raw = new Map<string, EC2Client>();
  const rawEc2 = (region: string) => {
    if (!raw.has(region)) raw.set(region, new EC2Client({ region, endpoint: motoUrl, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
    return raw.get(region)!;
  };
  await prepareFixtures(rawEc2);
  const db = createPrisma(config.databaseUrl!);
  const stops: Array<() => Promise<void>> = [];
  return {
    config, proxy, pricing, queue, logger, logs, db, rawEc2,
    setPending: (workerType, n) => queue.setPending(config.provisionerId, workerType, n),
    startApi: async () => {
      const replicaDb = createPrisma(config.databaseUrl!);
      const api = await startApiProcess(config, replicaDb, logger);
      const stop = async () => { await api.stopAll(); await replicaDb.$disconnect(); };
      stops.push(stop);
      return {
        url: api.url, stop,
        client: () => new taskcluster.AwsProvisioner({ baseUrl: `${api.url}/v1`, retries: 0, credentials: { clientId: 'root', accessToken: ROOT_TOKEN } }),
      };
    },
    startWorker: async () => {
      const replicaDb = createPrisma(config.databaseUrl!);
      const worker = await startWorkerProcess(config, replicaDb, logger, { workflowBundle: { codePath: process.env[WORKFLOW_BUNDLE_ENV]! } });
      const stop = async () => { await worker.stop(); await replicaDb.$disconnect(); };
      stops.push(stop);
      return { stop, metricsUrl: worker.metricsUrl };
    },
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await db.$disconnect();
      await Promise.all([proxy.close(), queue.stop(), pricing.close()]);
      for (const c of raw.values()) c.destroy();
    },
  };
}

/** What the checks below read: the database, moto and the provisioner id (and the logs, if any). */
export type Inspectable = Pick<FaultStack, 'db' | 'rawEc2' | 'config'> & Partial<Pick<FaultStack, 'logs'>>;

/** What the loop last recorded (its iteration report), to say why a wait timed out. */
async function lastIteration(stack: Inspectable, workerType: string): Promise<string> {
  const row = await stack.db.workerTypeStatus.findUnique({ where: { workerType } }).catch(() => null);
  return row ? `; the loop's iteration ${row.iteration} at ${row.lastIterationAt.toISOString()} reported ${JSON.stringify(row.report)}` : '; no iteration recorded';
}

/** The last warnings and errors the replicas logged, to say why a wait timed out. */
function recentProblems(stack: Inspectable, n = 8): string {
  const lines = (stack.logs ?? []).filter((l) => /"level":(40|50|60)[,}]/.test(l)).slice(-n);
  return lines.length === 0 ? ' (no warnings or errors logged)' : `; last warnings and errors logged:\n${lines.join('\n')}`;
}

/** Live (pending or running) instances of a worker type, straight from moto. */
export async function liveInMoto(stack: Inspectable, workerType: string): Promise<MotoInstance[]> {
  const lists = await Promise.all(TEST_REGIONS.map((r) => ownedInstances(stack.rawEc2(r), stack.config.provisionerId)));
  return lists.flat().filter((i) => i.tags.WorkerType === `${stack.config.provisionerId}/${workerType}`);
}

/**
 * Waits until moto and the ledger agree on exactly `n` live instances of the worker type, then
 * checks that nothing else was ever launched (every ledger row is one of them), that each row
 * holds the ClientToken EC2 has, and that each instance has exactly its one secret.
 */
export async function expectConsistent(stack: Inspectable, workerType: string, n: number, timeoutMs = 60_000): Promise<MotoInstance[]> {
  const live = await eventually(async () => {
    const [l, rows] = await Promise.all([
      liveInMoto(stack, workerType), stack.db.instance.findMany({ where: { workerType, state: { in: LIVE_STATES } } }),
    ]);
    if (l.length === n && rows.length === n && rows.every((r) => r.instanceId)) return l;
    throw new Error(`moto has ${l.length}, the ledger ${rows.length} (${rows.filter((r) => !r.instanceId).length} without an instance id)`);
  }, `${n} live ${workerType} instances in moto and in the ledger`, timeoutMs).catch(async (err: Error) => {
    throw new Error(`${err.message}${await lastIteration(stack, workerType)}${recentProblems(stack)}`);
  });
  const rows = await stack.db.instance.findMany({ where: { workerType, state: { in: LIVE_STATES } } });
  expect(rows.map((r) => r.instanceId).sort()).toEqual(live.map((i) => i.id).sort());
  for (const instance of live) expect(instance.clientToken).toBe(rows.find((r) => r.instanceId === instance.id)!.clientToken);
  const hashes = await Promise.all(live.map(async (i) => {
    const userData = await userDataOf(stack.rawEc2(i.zone.slice(0, -1)), i.id);
    return hashToken(String(userData.securityToken));
  }));
  const secrets = await stack.db.secret.findMany({ where: { workerType, tokenHash: { in: hashes } } });
  expect(secrets).toHaveLength(n);
  // Nothing else was ever launched: every instance EC2 ever had for this worker type, terminated
  // ones included, is exactly one ledger row (a duplicate later scaled down would show here).
  const everLaunched = (await Promise.all(TEST_REGIONS.map((r) => ownedInstances(stack.rawEc2(r), stack.config.provisionerId, false))))
    .flat().filter((i) => i.tags.WorkerType === `${stack.config.provisionerId}/${workerType}`);
  const ledgerIds = (await stack.db.instance.findMany({ where: { workerType, instanceId: { not: null } } })).map((r) => r.instanceId).sort();
  expect(everLaunched.map((i) => i.id).sort()).toEqual(ledgerIds);
  return live;
}

/** The iteration counter and time the loop of a worker type last recorded (0 before the first). */
export async function lastRecorded(db: PrismaClient, workerType: string): Promise<{ iteration: number; at: number }> {
  const row = await db.workerTypeStatus.findUnique({ where: { workerType } });
  return { iteration: row?.iteration ?? 0, at: row?.lastIterationAt.getTime() ?? 0 };
}

/** Runs an API call that must fail; returns its status and the whole parsed body. */
export async function apiFailure(call: Promise<unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (err) {
    const e = err as { statusCode?: number; body?: Record<string, unknown> };
    if (e.statusCode === undefined) throw err;
    return { status: e.statusCode, body: e.body ?? {} };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryPolicy { initialInterval: number; backoffCoefficient: number; maximumInterval?: number; maximumAttempts: number }

/**
 * The most attempts one Temporal retry chain can start within `windowMs` of its first one,
 * counting as if attempts took no time (real ones only start later). `fixedDelayMs` is a
 * delay the activity asks for itself (ApplicationFailure nextRetryDelay) instead of backoff.
 */
export function attemptsWithin(windowMs: number, retry: RetryPolicy, fixedDelayMs?: number): number {
  let attempts = 0;
  let delay = retry.initialInterval;
  for (let t = 0; t <= windowMs && attempts < retry.maximumAttempts; attempts++) {
    t += fixedDelayMs ?? delay;
    delay = Math.min(delay * retry.backoffCoefficient, retry.maximumInterval ?? Infinity);
  }
  return attempts;
}
