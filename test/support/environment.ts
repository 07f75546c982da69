// Everything one test file needs, real: its own database, its own Temporal dev server, an
// EC2 proxy in front of the shared moto (counting calls, enforcing ClientToken idempotency,
// serving prices, injecting faults), a strict stand-in of the AWS Price List (on-demand
// prices), the local Queue server and, when asked, the real worker.
// Test files isolate their EC2 instances by a provisionerId (the Owner tag) of their own.
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CreateSecurityGroupCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { loadConfig, type Config } from '../../src/config';
import { createPrisma } from '../../src/db/client';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createEc2Clients, ec2OptionsFor } from '../../src/aws/ec2-clients';
import { createEc2Gateway, type Ec2Gateway } from '../../src/aws/ec2-gateway';
import { startLocalQueueServer, type LocalQueueServer } from '../../src/queue/local-queue-server';
import { createWorkflowControl, type WorkflowControl } from '../../src/temporal/workflow-control';
import { createLogger, type Logger } from '../../src/logger';
import { buildActivityDeps, installTemporalLogging, queueCredentials, startWorker, type RunningWorker } from '../../src/worker/worker';
import { createTestDatabase, type TestDatabase } from './database';
import { startEc2Proxy, type Ec2Proxy } from './ec2-proxy';
import { startPricingStandIn, type PricingStandIn } from './pricing-standin';
import { MOTO_URL_ENV, WORKFLOW_BUNDLE_ENV } from './global-services';
import { startTestTemporal, type TestTemporalOptions } from './temporal';
import { FIXTURE_SECURITY_GROUP, fixtureAmis } from './fixtures';

export const ROOT_TOKEN = 'test-root-access-token-0123456789';
export const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_REGIONS = ['us-east-1', 'us-west-2'];

export interface TestEnvironment {
  config: Config;
  database: TestDatabase;
  db: PrismaClient;
  temporal: TestWorkflowEnvironment;
  ec2Proxy: Ec2Proxy;
  /** The Price List Query API the worker asks for on-demand prices (AWS_ENDPOINT_URL_PRICING); empty until set. */
  pricing: PricingStandIn;
  /** The gateway the code under test uses (through the proxy). */
  ec2: Ec2Gateway;
  /** A raw SDK client per region for assertions, straight to moto. */
  rawEc2(region: string): EC2Client;
  queue: LocalQueueServer;
  workflows: WorkflowControl;
  logs: string[];
  logger: Logger;
  /** A moto built-in AMI that exists in the region. */
  amiFor(region: string): Promise<string>;
  /** A worker on this environment's configuration, or on it changed by `restartedWith` (environment variables). */
  startWorker(restartedWith?: Record<string, string>): Promise<RunningWorker>;
  stop(): Promise<void>;
}

/** Temporal's runtime logger is process-wide: SDK messages of every test file go here, at warn and above. */
const processLogger = createLogger('warn', { write: (line: string) => void process.stderr.write(line) });

export interface TestEnvironmentOptions {
  /** Passed to the Temporal dev server, e.g. dynamic config that makes workflows continue as new early. */
  temporal?: TestTemporalOptions;
}

export async function startTestEnvironment(env: Record<string, string> = {}, options: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
  const motoUrl = process.env[MOTO_URL_ENV];
  if (!motoUrl) throw new Error(`${MOTO_URL_ENV} is unset: run tests through jest (its global setup starts moto)`);
  installTemporalLogging(processLogger);
  const [database, temporal, ec2Proxy, queue, pricing] = await Promise.all([
    createTestDatabase(), startTestTemporal(options.temporal), startEc2Proxy(motoUrl), startLocalQueueServer(), startPricingStandIn(),
  ]);
  const baseEnv = {
    DATABASE_URL: database.url, ROOT_ACCESS_TOKEN: ROOT_TOKEN, SECRETS_KEY, LOG_LEVEL: 'debug',
    ALLOWED_REGIONS: TEST_REGIONS.join(','), PROVISIONER_ID: `test-${randomBytes(4).toString('hex')}`,
    TEMPORAL_ADDRESS: temporal.address, TASKCLUSTER_ROOT_URL: queue.url, AWS_ENDPOINT_URL_EC2: ec2Proxy.url,
    AWS_ENDPOINT_URL_PRICING: pricing.url, API_RESPONSE_CHECK: 'all', ITERATION_INTERVAL: '2', INVENTORY_INTERVAL: '2', SPOT_PRICE_INTERVAL: '2',
    // Tests follow iterations through the stored record (`state`): every iteration is written.
    ITERATION_RECORD_MAX_AGE: '0', ...env,
  };
  const config = loadConfig(baseEnv);
  // As the Auth service of a TaskCluster deployment would know the provisioner's client.
  queue.addClient({ ...queueCredentials(config), scopes: [`queue:declare-worker-type:${config.provisionerId}/*`] });
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const db = createPrisma(database.url);
  const ec2 = createEc2Gateway(createEc2Clients(ec2OptionsFor(config)));
  const raw = new Map<string, EC2Client>();
  const rawEc2 = (region: string) => {
    if (!raw.has(region)) raw.set(region, new EC2Client({ region, endpoint: motoUrl, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
    return raw.get(region)!;
  };
  const workflows = createWorkflowControl(temporal.client, { allowedRegions: config.allowedRegions, ...config.timing });
  const workers: RunningWorker[] = [];
  await prepareFixtures(rawEc2);
  return {
    config, database, db, temporal, ec2Proxy, pricing, ec2, rawEc2, queue, workflows, logs, logger,
    amiFor: async (region) => {
      const images = await rawEc2(region).send(new DescribeImagesCommand({ Owners: ['amazon'] }));
      const id = images.Images?.find((i) => i.ImageId)?.ImageId;
      if (!id) throw new Error(`moto has no built-in AMI in ${region}`);
      return id;
    },
    startWorker: async (restartedWith = {}) => {
      const worker = await startWorker({
        connection: temporal.nativeConnection, namespace: temporal.namespace ?? 'default',
        deps: buildActivityDeps(loadConfig({ ...baseEnv, ...restartedWith }), db, { ec2 }), logger,
        workflowBundle: { codePath: process.env[WORKFLOW_BUNDLE_ENV]! },
      });
      workers.push(worker);
      return worker;
    },
    stop: async () => {
      for (const w of workers) await w.stop();
      await temporal.teardown();
      await db.$disconnect();
      await Promise.all([database.drop(), ec2Proxy.close(), queue.stop(), pricing.close()]);
      for (const c of raw.values()) c.destroy();
    },
  };
}

/** Points the fixtures at AMIs moto has, and makes sure their security group exists. */
export async function prepareFixtures(rawEc2: (region: string) => EC2Client): Promise<void> {
  for (const region of TEST_REGIONS) {
    const images = await rawEc2(region).send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    const id = images.Images?.find((i) => i.ImageId)?.ImageId;
    if (!id) throw new Error(`moto has no built-in AMI in ${region}`);
    fixtureAmis[region] = id;
    try {
      await rawEc2(region).send(new CreateSecurityGroupCommand({ GroupName: FIXTURE_SECURITY_GROUP, Description: 'test workers' }));
    } catch (err) {
      if ((err as { name?: string }).name !== 'InvalidGroup.Duplicate') throw err;
    }
  }
}
