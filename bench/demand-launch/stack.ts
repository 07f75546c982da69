// What demand-launch runs on: a real PostgreSQL (bench/support/database.ts), a Temporal dev
// server, a RabbitMQ, the local Queue, and the worker role as src/processes/worker-process.ts
// composes it (the Temporal worker, the task-pending wake-ups), with EC2 in memory (./ec2.ts)
// and no Price List (spot only). Contract: stop() ends all of it, also after a failed start.
import { NO_PRICE_LIST } from '../../src/aws/pricing';
import { loadConfig, type Config } from '../../src/config';
import { createPrisma } from '../../src/db/client';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { startTaskPendingWakeups } from '../../src/events/task-pending-consumer';
import { createLogger } from '../../src/logger';
import { startLocalQueueServer, type LocalQueueServer } from '../../src/queue/local-queue-server';
import { createWorkflowControl, type WorkflowControl } from '../../src/temporal/workflow-control';
import { buildActivityDeps, installTemporalLogging, queueCredentials, startWorker } from '../../src/worker/worker';
import { WORKFLOW_BUNDLE_ENV } from '../../test/support/global-services';
import { connectQueuePulse, type QueuePulse } from '../../test/support/queue-pulse';
import { startRabbitMq } from '../../test/support/rabbitmq-server';
import { findFreePort } from '../../test/support/postgres-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startTemporalDevServer } from '../../src/dev/temporal-cli';
import { searchAttributeCliTypes } from '../../src/temporal/search-attributes';
import { createBenchDatabase } from '../support/database';
import { BENCH_REGION, inMemoryEc2, type LaunchClock } from './ec2';

export interface DemandStack {
  config: Config;
  db: PrismaClient;
  queue: LocalQueueServer;
  pulse: QueuePulse;
  temporal: Client;
  workflows: WorkflowControl;
  ec2: LaunchClock;
  stop(): Promise<void>;
}

/** Starts everything with ITERATION_INTERVAL `intervalSec`; `log` gets progress notes. */
export async function startDemandStack(intervalSec: number, log: (msg: string) => void): Promise<DemandStack> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => { for (const s of stops.reverse()) await s().catch(() => undefined); };
  try {
    const database = await createBenchDatabase(log);
    stops.push(() => database.drop());
    // The dev server of src/dev (not the testing package's), whose output stays off our standard output.
    const [queue, server, rabbit] = await Promise.all([
      startLocalQueueServer(), startTemporalDevServer({
        searchAttributes: searchAttributeCliTypes(), port: await findFreePort(), uiPort: await findFreePort(),
        log: (line) => { if (!line.includes('level=WARN')) log(`temporal: ${line}`); }, // its shutdown warns of every closed poller
      }),
      startRabbitMq(log),
    ]);
    stops.push(() => queue.stop(), () => server.stop(), () => rabbit.stop());
    const connection = await Connection.connect({ address: server.address });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stops.push(() => connection.close(), () => nativeConnection.close());
    const temporal = new Client({ connection });
    const config = loadConfig({
      DATABASE_URL: database.url, ROOT_ACCESS_TOKEN: 'bench-root-access-token-0123456789', SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
      TEMPORAL_ADDRESS: server.address, TASKCLUSTER_ROOT_URL: queue.url, ALLOWED_REGIONS: BENCH_REGION, PROVISIONER_ID: 'bench-demand',
      ITERATION_INTERVAL: String(intervalSec), PULSE_URL: rabbit.url, LOG_LEVEL: 'error',
    });
    queue.addClient({ ...queueCredentials(config), scopes: [`queue:declare-worker-type:${config.provisionerId}/*`] });
    const logger = createLogger('error', { write: (line: string) => void process.stderr.write(line) });
    installTemporalLogging(logger);
    const db = createPrisma(database.url);
    stops.push(() => db.$disconnect());
    const ec2 = inMemoryEc2();
    const deps = buildActivityDeps(config, db, { ec2: ec2.gateway, pricing: NO_PRICE_LIST });
    const bundle = process.env[WORKFLOW_BUNDLE_ENV];
    const worker = await startWorker({
      connection: nativeConnection, namespace: 'default', deps, logger,
      ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
    });
    stops.push(() => worker.stop());
    const workflows = createWorkflowControl(temporal, { allowedRegions: config.allowedRegions, ...config.timing });
    const pulse = await connectQueuePulse(rabbit.url); // the Queue's exchange exists before the worker binds to it
    stops.push(() => pulse.close());
    const wakeups = startTaskPendingWakeups({
      url: rabbit.url, provisionerId: config.provisionerId, logger, metrics: deps.metrics, wake: (name) => workflows.wakeWorkerType(name),
    });
    stops.push(() => wakeups.stop());
    while (!wakeups.connected()) await new Promise((r) => setTimeout(r, 50));
    await workflows.ensureRegionLoop(BENCH_REGION);
    return { config, db, queue, pulse, temporal, workflows, ec2, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
