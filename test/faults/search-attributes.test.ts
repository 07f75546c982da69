// An operator's Temporal without our search attributes (WorkerType, Region). Until a worker
// registers them no loop can start: backendStatus says so and names the command, and the
// failed start is logged with the server's reason (the cause the client wraps). Where the
// server refuses the registration (a real nginx gRPC proxy answers the OperatorService's
// AddSearchAttributes with PERMISSION_DENIED, as Temporal Cloud does), the worker process
// exits with the command in its message. A worker allowed to register them does, and the
// worker type provisions.
//
// One scenario: each step builds on the namespace state the previous one left.
import { Connection } from '@temporalio/client';
import { startTemporalDevServer, type DevServer } from '../../src/dev/temporal-cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { WORKFLOW_BUNDLE_ENV } from '../support/global-services';
import { GRPC_STATUS, startNginxGrpcProxy, type NginxGrpcProxy } from '../support/nginx-grpc-proxy';
import { ROOT_TOKEN, SECRETS_KEY } from '../support/environment';
import { findFreePort } from '../support/postgres-server';
import { step } from '../support/steps';
import { killWorkerChildren, startWorkerChild } from '../support/worker-child-process';
import { expectConsistent, startFaultStack, type ApiReplica, type FaultStack } from './stack';

jest.setTimeout(300_000);

const COMMAND = 'temporal operator search-attribute create --namespace default --name WorkerType --name Region --type Keyword';
const EARLY = 'sa-created-before-registration';
const LATER = 'sa-created-after-registration';

let temporal: DevServer;
let refusingProxy: NginxGrpcProxy;
let database: TestDatabase;
let stack: FaultStack;
let api: ApiReplica;

beforeAll(async () => {
  [database, temporal] = await Promise.all([
    createTestDatabase(),
    startTemporalDevServer({ port: await findFreePort(), uiPort: await findFreePort(), searchAttributes: {}, log: () => undefined }),
  ]);
  refusingProxy = await startNginxGrpcProxy({
    upstream: temporal.address,
    refuse: [{ path: '/temporal.api.operatorservice.v1.OperatorService/AddSearchAttributes', status: GRPC_STATUS.PERMISSION_DENIED, message: 'Request unauthorized.' }],
  });
  stack = await startFaultStack({ DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address });
  api = await stack.startApi();
});

afterAll(async () => {
  await killWorkerChildren();
  await stack?.stop();
  await refusingProxy?.stop();
  await temporal?.stop();
  await database?.drop();
});

async function customAttributes(): Promise<Record<string, unknown>> {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    return (await connection.operatorService.listSearchAttributes({ namespace: 'default' })).customAttributes ?? {};
  } finally {
    await connection.close();
  }
}

async function noLoopCanStartYet(): Promise<void> {
  const status = await api.client().backendStatus();
  expect(status.status).toBe('unhealthy');
  expect(status.temporal.healthy).toBe(false);
  expect(status.temporal.detail).toContain('search attributes WorkerType, Region are not registered in namespace default');
  expect(status.temporal.detail).toContain(COMMAND);
  // The definition is stored; the start of its loop fails, and the log keeps the server's reason.
  await api.client().createWorkerType(EARLY, workerTypeDefinition({ maxCapacity: 3 }));
  const line = stack.logs.find((l) => l.includes('could not signal a workflow'));
  expect(line).toBeDefined();
  const logged = JSON.parse(line!) as { err: { chain: Array<{ name: string; message: string }> } };
  expect(logged.err.chain[0]).toMatchObject({ name: 'ServiceError' });
  expect(logged.err.chain.map((l) => l.message).join('\n')).toMatch(/no mapping defined for search attribute WorkerType/);
}

async function refusedRegistrationStopsTheWorkerProcess(): Promise<void> {
  const env = {
    PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: refusingProxy.address, AWS_ENDPOINT_URL_EC2: stack.proxy.url, TASKCLUSTER_ROOT_URL: stack.queue.url,
    PROVISIONER_ID: stack.config.provisionerId, SECRETS_KEY, ROOT_ACCESS_TOKEN: ROOT_TOKEN, ALLOWED_REGIONS: stack.config.allowedRegions.join(','),
    LOG_LEVEL: 'info', TEST_WORKFLOW_BUNDLE: process.env[WORKFLOW_BUNDLE_ENV],
  };
  const failure = await startWorkerChild(env).then(() => 'started', (err: Error) => err.message);
  expect(failure).toMatch(/^worker process exited \(1\)/);
  expect(failure).toContain('Search attributes WorkerType, Region are not registered in Temporal namespace default');
  expect(failure).toContain(`Register them once with: ${COMMAND}`);
  expect(failure).toContain('7 PERMISSION_DENIED: Request unauthorized.');
  expect(await customAttributes()).toEqual({});
}

async function theWorkerRegistersThemAndProvisions(): Promise<void> {
  await stack.startWorker();
  expect(await customAttributes()).toEqual({ WorkerType: 2, Region: 2 }); // IndexedValueType KEYWORD
  expect(stack.logs.some((l) => l.includes('search attributes registered') && l.includes('"added":["WorkerType","Region"]'))).toBe(true);
  // The worker type created before has its loop started by the worker's reconciliation.
  stack.setPending(EARLY, 1);
  await expectConsistent(stack, EARLY, 1);
  await api.client().createWorkerType(LATER, workerTypeDefinition({ maxCapacity: 3 }));
  stack.setPending(LATER, 2);
  await expectConsistent(stack, LATER, 2);
  await eventually(async () => (await api.client().backendStatus()).temporal.healthy, 'backendStatus to see Temporal healthy');
  expect((await api.client().backendStatus()).temporal.detail).toBe('reachable; loops can start');
  // A second replica starting on the registered namespace has nothing to add.
  const before = stack.logs.filter((l) => l.includes('search attributes registered')).length;
  await stack.startWorker();
  expect(stack.logs.filter((l) => l.includes('search attributes registered'))).toHaveLength(before);
}

test('a Temporal namespace without the search attributes', async () => {
  await step('before any worker: backendStatus names the missing attributes and the command; the failed start is logged with its cause', noLoopCanStartYet);
  await step('registration refused (PERMISSION_DENIED from the proxy): the worker process exits with the command', refusedRegistrationStopsTheWorkerProcess);
  await step('a worker allowed to register them does, and worker types provision', theWorkerRegistersThemAndProvisions);
});
