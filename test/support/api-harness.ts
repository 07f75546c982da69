// Starts the real API (real Koa app, real PostgreSQL database of its own) on an ephemeral
// port, with logs captured in memory and a clock tests can move forward.
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createPrisma } from '../../src/db/client';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { buildServices, startApiServer, type RunningApi } from '../../src/api/server';
import type { ApiServices } from '../../src/api/services';
import { createTestDatabase } from './database';

// taskcluster-client 1.6.3 is CommonJS without types.
const taskcluster = require('taskcluster-client');

export const ROOT_TOKEN = 'test-root-access-token-0123456789';
export const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

export interface ApiHarness {
  url: string;
  databaseUrl: string;
  db: PrismaClient;
  services: ApiServices;
  config: Config;
  /** Every log line written so far, raw JSON text. */
  logs: string[];
  /** Moves the service clock forward. */
  advanceClock(ms: number): void;
  /** A real taskcluster-client AwsProvisioner; root credentials unless others are given. */
  provisioner(credentials?: { clientId: string; accessToken: string; certificate?: string } | null): AwsProvisionerClient;
  stop(): Promise<void>;
}

type ClientMethod = (...args: unknown[]) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type MethodName =
  | 'ping'
  | 'listWorkerTypeSummaries'
  | 'createWorkerType'
  | 'updateWorkerType'
  | 'workerTypeLastModified'
  | 'workerType'
  | 'removeWorkerType'
  | 'listWorkerTypes'
  | 'createAmiSet'
  | 'amiSet'
  | 'updateAmiSet'
  | 'listAmiSets'
  | 'removeAmiSet'
  | 'createSecret'
  | 'getSecret'
  | 'instanceStarted'
  | 'removeSecret'
  | 'getLaunchSpecs'
  | 'state'
  | 'backendStatus'
  | 'terminateAllInstancesOfWorkerType'
  | 'shutdownEverySingleEc2InstanceManagedByThisProvisioner';
/** The AwsProvisioner class of taskcluster-client 1.6.3; every call resolves to the parsed JSON body. */
export type AwsProvisionerClient = Record<MethodName, ClientMethod>;

export async function startApiHarness(env: Record<string, string> = {}): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url, ROOT_ACCESS_TOKEN: ROOT_TOKEN, SECRETS_KEY, LOG_LEVEL: 'debug',
    ALLOWED_REGIONS: 'us-east-1,us-west-2', ...env,
  });
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  let offset = 0;
  const db = createPrisma(database.url);
  const services = buildServices(config, db, logger, () => new Date(Date.now() + offset));
  let api: RunningApi | undefined = await startApiServer(services, 0, '127.0.0.1');
  const url = api.url;
  return {
    url, databaseUrl: database.url, db, services, config, logs,
    advanceClock: (ms) => { offset += ms; },
    provisioner: (credentials) => new taskcluster.AwsProvisioner({
      baseUrl: `${url}/v1`, retries: 0,
      ...(credentials === null ? {} : { credentials: credentials ?? { clientId: 'root', accessToken: ROOT_TOKEN } }),
    }),
    stop: async () => {
      await api?.close();
      api = undefined;
      await db.$disconnect();
      await database.drop();
    },
  };
}

/** Runs a client call that must fail; returns the HTTP status and the error body. */
export async function failure(call: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as { statusCode?: number; body?: { code?: string; message?: string } };
    if (e.statusCode === undefined) throw err;
    return { status: e.statusCode, code: e.body?.code ?? '', message: e.body?.message ?? '' };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
