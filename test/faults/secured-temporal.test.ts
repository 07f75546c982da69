// A Temporal reached through TLS with a client certificate and an API key: a real nginx
// proxy terminates TLS in front of the dev server, requires a client certificate of the test
// CA (`ssl_verify_client on`) and refuses any request without `authorization: Bearer <key>`.
// The API and the worker connect with the TEMPORAL_* settings and a worker type provisions;
// a wrong key, a certificate of another CA or none at all stops the worker at start with a
// message that says why, and never quotes the key.
import { loadConfig, type TemporalSettings } from '../../src/config';
import { startApiProcess } from '../../src/processes/api-process';
import { startWorkerProcess } from '../../src/processes/worker-process';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-cli';
import { searchAttributeCliTypes } from '../../src/temporal/search-attributes';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { workerTypeDefinition } from '../support/fixtures';
import { ROOT_TOKEN, SECRETS_KEY } from '../support/environment';
import { WORKFLOW_BUNDLE_ENV } from '../support/global-services';
import { startNginxGrpcProxy, type NginxGrpcProxy } from '../support/nginx-grpc-proxy';
import { findFreePort } from '../support/postgres-server';
import { step } from '../support/steps';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';
import { expectConsistent, startFaultStack, type FaultStack } from './stack';

jest.setTimeout(300_000);

const API_KEY = 'tls-test-api-key-0123456789';
const WORKER_TYPE = 'secured-temporal';

let certs: TestCertificates;
let temporal: DevServer;
let proxy: NginxGrpcProxy;
let database: TestDatabase;
let stack: FaultStack;

/** The settings an operator sets for this proxy; `overrides` replace some (undefined removes one). */
function temporalEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    TEMPORAL_ADDRESS: proxy.address, TEMPORAL_API_KEY: API_KEY,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert, TEMPORAL_TLS_SERVER_NAME: 'localhost', ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

function settings(overrides: Record<string, string | undefined>): TemporalSettings {
  return loadConfig({
    DATABASE_URL: database.url, ROOT_ACCESS_TOKEN: ROOT_TOKEN, SECRETS_KEY, TASKCLUSTER_ROOT_URL: stack.queue.url, ...temporalEnv(overrides),
  }).temporal;
}

beforeAll(async () => {
  certs = makeTestCertificates();
  [database, temporal] = await Promise.all([
    createTestDatabase(),
    startTemporalDevServer({ port: await findFreePort(), uiPort: await findFreePort(), searchAttributes: searchAttributeCliTypes(), log: () => undefined }),
  ]);
  proxy = await startNginxGrpcProxy({
    upstream: temporal.address, apiKey: API_KEY, tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert },
  });
  stack = await startFaultStack({ DATABASE_URL: database.url, ...temporalEnv() } as { DATABASE_URL: string; TEMPORAL_ADDRESS: string });
});

afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
  await temporal?.stop();
  await database?.drop();
  certs?.remove();
});

async function apiAndWorkerProvisionThroughTheProxy(): Promise<void> {
  expect(stack.config.temporal).toMatchObject({ address: proxy.address, apiKey: API_KEY, tls: { serverNameOverride: 'localhost' } });
  const api = await stack.startApi();
  await stack.startWorker();
  const status = await api.client().backendStatus();
  expect(status.temporal).toEqual({ healthy: true, detail: 'reachable; loops can start' });
  await api.client().createWorkerType(WORKER_TYPE, workerTypeDefinition({ maxCapacity: 3 }));
  stack.setPending(WORKER_TYPE, 2);
  await expectConsistent(stack, WORKER_TYPE, 2);
  expect(stack.logs.join('\n')).not.toContain(API_KEY);
}

async function workerStartFailure(overrides: Record<string, string | undefined>): Promise<string> {
  const config = { ...stack.config, temporal: settings(overrides) };
  const started = await startWorkerProcess(config, stack.db, stack.logger, { workflowBundle: { codePath: process.env[WORKFLOW_BUNDLE_ENV]! } })
    .then(async (worker) => { await worker.stop(); return 'started'; }, (err: Error) => err.message);
  expect(started).not.toContain(API_KEY);
  return started;
}

async function wrongCredentialsFailAtStart(): Promise<void> {
  const where = `Cannot connect to Temporal at ${proxy.address} (namespace default, TLS on, API key set)`;
  const wrongKey = await workerStartFailure({ TEMPORAL_API_KEY: 'not-the-right-key' });
  expect(wrongKey).toContain(where);
  expect(wrongKey).toContain('16 UNAUTHENTICATED: invalid API key');
  expect(wrongKey).toContain('check TEMPORAL_API_KEY');
  const noKey = await workerStartFailure({ TEMPORAL_API_KEY: undefined });
  expect(noKey).toContain('(namespace default, TLS on, API key not set)');
  expect(noKey).toContain('16 UNAUTHENTICATED: invalid API key');
  for (const cert of [{ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.strangerCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.strangerKey },
    { TEMPORAL_TLS_CLIENT_CERT_PATH: undefined, TEMPORAL_TLS_CLIENT_KEY_PATH: undefined }]) {
    const wrongCert = await workerStartFailure(cert);
    expect(wrongCert).toContain(where);
    expect(wrongCert).toContain('16 UNAUTHENTICATED: client certificate refused');
  }
  // The API starts while Temporal cannot be used (it serves what needs only the database) and says why.
  const api = await startApiProcess({ ...stack.config, temporal: settings({ TEMPORAL_API_KEY: 'not-the-right-key' }) }, stack.db, stack.logger);
  try {
    const c = new (require('taskcluster-client').AwsProvisioner)({ baseUrl: `${api.url}/v1`, retries: 0, credentials: { clientId: 'root', accessToken: ROOT_TOKEN } });
    const status = await c.backendStatus();
    expect(status.temporal).toEqual({ healthy: false, detail: 'refused: 16 UNAUTHENTICATED: invalid API key' });
    expect(await c.listWorkerTypes()).toEqual([WORKER_TYPE]);
  } finally {
    await api.stopAll();
  }
}

test('a Temporal behind TLS with client certificates and an API key', async () => {
  await step('the API and the worker connect with the TEMPORAL_* settings and a worker type provisions', apiAndWorkerProvisionThroughTheProxy);
  await step('a wrong API key, no key, a certificate of another CA or none stop the worker at start, saying why', wrongCredentialsFailAtStart);
});
