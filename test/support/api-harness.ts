// Starts the real API (real Koa app, real PostgreSQL database of its own) on an ephemeral
// port, with logs captured in memory and a clock tests can move forward.
import type { Config } from '../../src/config';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { buildServices, startApiServer, type RunningApi } from '../../src/api/server';
import net, { type AddressInfo } from 'node:net';
import type { ApiServices } from '../../src/api/services';
import { createClientRepository } from '../../src/db/clients';
import { SecretBox } from '../../src/db/secret-box';
import { startAuthStandin, type AuthStandin } from './auth-standin';
import { ROOT_TOKEN, SECRETS_KEY, startTestEnvironment, type TestEnvironment } from './environment';

export { ROOT_TOKEN, SECRETS_KEY };

// taskcluster-client 1.6.3 is CommonJS without types.
const taskcluster = require('taskcluster-client');

export interface ApiHarness {
  url: string;
  env: TestEnvironment;
  databaseUrl: string;
  db: PrismaClient;
  services: ApiServices;
  config: Config;
  /** Every log line written so far, raw JSON text. */
  logs: string[];
  /** Moves the service clock forward. */
  advanceClock(ms: number): void;
  /**
   * A client with exactly these scopes, where the API looks clients up: the `Client` table, or
   * the Auth stand-in when signatures are delegated (TEST_AUTH_MODE).
   */
  addClient(clientId: string, scopes: string[]): Promise<{ clientId: string; accessToken: string }>;
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

/** The API on an ephemeral port over a full test environment (no worker unless started). */
/**
 * TEST_AUTH_MODE=taskcluster (jest's `delegated-auth` project): the same tests with every
 * signature checked by the strict authenticateHawk stand-in, which also serves as the root
 * URL (forwarding all else to the local Queue) and knows `root` with scope `*`.
 */
async function delegatedAuth(envVars: Record<string, string>): Promise<{ standin: AuthStandin; vars: Record<string, string> } | undefined> {
  if (process.env.TEST_AUTH_MODE !== 'taskcluster' || envVars.AUTH_MODE) return undefined;
  const standin = await startAuthStandin();
  const issuer = { clientId: 'project/test/aws-provisioner', accessToken: 'issuer-access-token-0123456789abc' };
  standin.addClient({ clientId: 'root', accessToken: ROOT_TOKEN, scopes: ['*'] });
  standin.addClient({ ...issuer, scopes: ['assume:worker-type:*', 'assume:worker-id:*'] });
  return {
    standin,
    vars: { AUTH_MODE: 'taskcluster', TASKCLUSTER_ROOT_URL: standin.rootUrl, TASKCLUSTER_CLIENT_ID: issuer.clientId, TASKCLUSTER_ACCESS_TOKEN: issuer.accessToken },
  };
}

/**
 * A free port held open until the API listens on it: the environment started meanwhile (a
 * Temporal dev server, stand-ins) picks ports of its own, and must not take this one.
 */
async function reservePort(): Promise<{ port: number; release(): Promise<void> }> {
  const holder = net.createServer().unref();
  await new Promise<void>((resolve, reject) => { holder.once('error', reject); holder.listen(0, '127.0.0.1', resolve); });
  const { port } = holder.address() as AddressInfo;
  return { port, release: () => new Promise<void>((resolve) => holder.close(() => resolve())) };
}

export async function startApiHarness(envVars: Record<string, string> = {}): Promise<ApiHarness> {
  // The API's own address is what instances are told (provisionerBaseUrl), so it is fixed first.
  const reserved = await reservePort();
  const { port } = reserved;
  const delegated = await delegatedAuth(envVars);
  const env = await startTestEnvironment({ PUBLIC_URL: `http://127.0.0.1:${port}`, ...envVars, ...delegated?.vars });
  delegated?.standin.forwardOthersTo(env.queue.url);
  let offset = 0;
  const services = buildServices(env.config, env.db, env.logger, {
    workflows: env.workflows, ec2: env.ec2, now: () => new Date(Date.now() + offset),
  });
  await reserved.release();
  let api: RunningApi | undefined = await startApiServer(services, port, '127.0.0.1');
  const url = api.url;
  // The test root URL (the local Queue) routes /api/aws-provisioner/v1 here, as an ingress would.
  env.queue.routeProvisioner(url);
  return {
    url, env, databaseUrl: env.database.url, db: env.db, services, config: env.config, logs: env.logs,
    advanceClock: (ms) => { offset += ms; },
    addClient: async (clientId, scopes) => {
      if (!delegated) return createClientRepository(env.db, new SecretBox(env.config.secretsKey!)).create(clientId, scopes, '', null);
      const client = { clientId, accessToken: `${clientId.replace(/[^A-Za-z0-9]/g, '')}-token-0123456789abcdef` };
      delegated.standin.addClient({ ...client, scopes });
      return client;
    },
    provisioner: (credentials) => new taskcluster.AwsProvisioner({
      baseUrl: `${url}/v1`, retries: 0,
      ...(credentials === null ? {} : { credentials: credentials ?? { clientId: 'root', accessToken: ROOT_TOKEN } }),
    }),
    stop: async () => {
      await api?.close();
      api = undefined;
      await env.stop();
      await delegated?.standin.stop();
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
