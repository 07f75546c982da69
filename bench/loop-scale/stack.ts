// Everything a loop-scale run needs, real where it is measured: a throwaway PostgreSQL and
// database, a Temporal dev server in memory (the `temporal` CLI, started as dev mode starts
// it, its output kept off this process's standard output, which holds the figures), the local
// Queue (0 pending tasks for every worker type), EC2 and the AWS Price List as HTTP
// stand-ins, and N worker types in the database. The worker runs apart (./worker.ts).
//
// Contract: stop() stops whatever was started, in reverse order, and never rejects; a start
// that fails stops what it had started before rethrowing.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { inParallel } from '../../src/worker/in-parallel';
import { createPrisma } from '../../src/db/client';
import { createWorkerTypeRepository } from '../../src/db/worker-types';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { freePort } from '../../src/dev/local-host';
import { startTemporalDevServer } from '../../src/dev/temporal-cli';
import { searchAttributeCliTypes } from '../../src/temporal/search-attributes';
import { startLocalQueueServer, type LocalQueueServer } from '../../src/queue/local-queue-server';
import { queueCredentials } from '../../src/worker/worker';
import { workerTypeDefinition } from '../../test/support/fixtures';
import { startPricingStandIn } from '../../test/support/pricing-standin';
import { createBenchDatabase } from '../support/database';
import { startEc2StandIn, type Ec2StandIn } from './ec2-stand-in';

export interface Stack {
  /** A client of the dev server, for reading histories. */
  temporal: Client;
  ec2: Ec2StandIn;
  queue: LocalQueueServer;
  workerTypes: string[];
  /** The worker's environment but its timing (ITERATION_INTERVAL), which the run sets. */
  workerEnv: Record<string, string>;
  stop(): Promise<void>;
}

type Stop = () => Promise<unknown>;

export const REGIONS = ['us-east-1', 'us-west-2'];
const PROVISIONER_ID = 'loop-scale';
/** Worker types created at once. */
const CREATE_CONCURRENCY = 4;

async function stopAll(stops: Stop[], log: (msg: string) => void): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((err: unknown) => log(`stopping a part failed: ${String(err)}`));
  }
}

/** `loop-scale-0001`, ...: names of one width, so every definition and row is the same size. */
export function workerTypeNames(count: number): string[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `loop-scale-${String(i + 1).padStart(width, '0')}`);
}

/** The tests' definition (spot only, both regions, two instance types), created through the repository. */
async function createWorkerTypes(databaseUrl: string, names: string[]): Promise<void> {
  const db = createPrisma(databaseUrl, { maxConnections: CREATE_CONCURRENCY });
  try {
    const repo = createWorkerTypeRepository(db);
    const definition = workerTypeDefinition() as unknown as WorkerTypeDefinition;
    await inParallel(names, CREATE_CONCURRENCY, async (name) => { await repo.create(name, definition, new Date()); });
  } finally {
    await db.$disconnect();
  }
}

/** The dev server with the project's search attributes, and a client of it. */
async function startTemporal(log: (msg: string) => void): Promise<{ address: string; client: Client; stop: Stop }> {
  const server = await startTemporalDevServer({
    port: await freePort(), uiPort: await freePort(), searchAttributes: searchAttributeCliTypes(),
    log: (line) => { if (/level=(error|fatal)|"level":"(error|fatal)"/.test(line)) log(`temporal: ${line}`); },
  });
  try {
    const connection = await Connection.connect({ address: server.address });
    const stop = async () => {
      await connection.close().catch(() => undefined);
      await server.stop();
    };
    return { address: server.address, client: new Client({ connection, namespace: 'default' }), stop };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export async function startStack(workerTypeCount: number, log: (msg: string) => void): Promise<Stack> {
  const stops: Stop[] = [];
  try {
    const db = await createBenchDatabase(log);
    stops.push(() => db.drop());
    const temporal = await startTemporal(log);
    stops.push(temporal.stop);
    const ec2 = await startEc2StandIn(REGIONS, PROVISIONER_ID);
    stops.push(() => ec2.close());
    const pricing = await startPricingStandIn();
    stops.push(() => pricing.close());
    const workerEnv: Record<string, string> = {
      DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default',
      AWS_ENDPOINT_URL_EC2: ec2.url, AWS_ENDPOINT_URL_PRICING: pricing.url, PROVISIONER_ID,
      SECRETS_KEY: randomBytes(32).toString('base64'), ROOT_ACCESS_TOKEN: randomBytes(24).toString('base64url'),
      ALLOWED_REGIONS: REGIONS.join(','), LOG_LEVEL: 'info', PUBLIC_URL: 'http://127.0.0.1:5557',
    };
    const queue = await startLocalQueueServer();
    stops.push(() => queue.stop());
    workerEnv.TASKCLUSTER_ROOT_URL = queue.url;
    // As the Auth service of a deployment knows the provisioner's client: declarations succeed.
    queue.addClient({ ...queueCredentials(loadConfig(workerEnv)), scopes: [`queue:declare-worker-type:${PROVISIONER_ID}/*`] });
    const workerTypes = workerTypeNames(workerTypeCount);
    await createWorkerTypes(db.url, workerTypes);
    return { temporal: temporal.client, ec2, queue, workerTypes, workerEnv, stop: () => stopAll(stops, log) };
  } catch (err) {
    await stopAll(stops, log);
    throw err;
  }
}
