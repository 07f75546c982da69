// Fault: the Temporal server stops and comes back. Temporal is a dev server with a SQLite
// file, on a fixed port, so it can be stopped and started again with its history; the API and
// a worker run as the real roles do. While Temporal is down the API keeps serving everything
// that only needs the database and answers 503 for what needs Temporal; once it is back, every
// loop resumes by itself: running ones from their history, and the one created meanwhile from
// the worker's periodic reconciliation (RECONCILE_INTERVAL, shortened here through the config).
//
// One scenario: the restart resumes the loops the first step left and the worker type it
// created, so they run in this order as named steps of one test (see test/support/steps.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTemporalDevServer, type DevServer, type DevServerOptions } from '../../src/dev/temporal-cli';
import { searchAttributeCliTypes } from '../../src/temporal/search-attributes';
import slugid from 'slugid';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { findFreePort } from '../support/postgres-server';
import { step } from '../support/steps';
import { apiFailure, expectConsistent, lastRecorded, startFaultStack, type ApiReplica, type FaultStack } from './stack';

jest.setTimeout(480_000); // the whole scenario; each wait inside has its own bound

const RUNNING = 'tr-running';
const CREATED_WHILE_DOWN = 'tr-created-while-down';
const RECONCILE_INTERVAL_S = 2;

let dir: string;
let serverOptions: DevServerOptions;
let temporal: DevServer | undefined;
let database: TestDatabase;
let stack: FaultStack;
let api: ApiReplica;
const temporalLog: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-restart-'));
  serverOptions = {
    dbFile: path.join(dir, 'temporal.sqlite'), port: await findFreePort(), uiPort: await findFreePort(),
    searchAttributes: searchAttributeCliTypes(), log: (line) => void temporalLog.push(line),
  };
  [database, temporal] = await Promise.all([createTestDatabase(), startTemporalDevServer(serverOptions)]);
  stack = await startFaultStack({
    DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, RECONCILE_INTERVAL: String(RECONCILE_INTERVAL_S),
  });
  api = await stack.startApi();
  await stack.startWorker();
});

afterAll(async () => {
  await stack?.stop();
  await temporal?.stop();
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const secretBody = (token: string) => ({
  workerType: RUNNING, secrets: { password: 'kept-while-temporal-is-down' }, scopes: [], token,
  expiration: new Date(Date.now() + 40 * 60_000).toISOString(),
});

/** Stops Temporal; returns the running loop's last iteration before the stop. */
async function onlyTemporalCallsAnswer503(): Promise<{ iteration: number; at: number }> {
  const c = api.client();
  await c.createWorkerType(RUNNING, workerTypeDefinition({ maxCapacity: 5 }));
  stack.setPending(RUNNING, 2);
  await expectConsistent(stack, RUNNING, 2);
  await eventually(async () => (await lastRecorded(stack.db, RUNNING)).iteration >= 3, 'a few iterations');
  expect((await c.backendStatus()).temporal.healthy).toBe(true);

  await temporal!.stop();
  temporal = undefined;
  const beforeStop = await lastRecorded(stack.db, RUNNING);

  for (const call of [c.terminateAllInstancesOfWorkerType(RUNNING), c.shutdownEverySingleEc2InstanceManagedByThisProvisioner()]) {
    const { status, body } = await apiFailure(call);
    expect(status).toBe(503);
    expect(body).toEqual({ code: 'ServiceUnavailable', message: expect.stringMatching(/^Temporal is unavailable/) });
  }
  const health = await c.backendStatus();
  expect(health).toMatchObject({ status: 'unhealthy', temporal: { healthy: false }, database: { healthy: true } });

  // Everything that needs only the database works, writes included.
  expect((await c.workerType(RUNNING)).maxCapacity).toBe(5);
  await c.createWorkerType(CREATED_WHILE_DOWN, workerTypeDefinition({ maxCapacity: 3 }));
  stack.setPending(CREATED_WHILE_DOWN, 1);
  expect(await c.listWorkerTypes()).toEqual([CREATED_WHILE_DOWN, RUNNING]);
  await c.updateWorkerType(RUNNING, workerTypeDefinition({ maxCapacity: 6 }));
  expect((await c.workerType(RUNNING)).maxCapacity).toBe(6);
  expect((await c.state(RUNNING)).instances).toHaveLength(2);
  const token = slugid.nice();
  expect(await c.createSecret(token, secretBody(token))).toEqual({ outcome: 'success' });
  expect((await api.client().getSecret(token)).data).toEqual({ password: 'kept-while-temporal-is-down' });
  stack.setPending(RUNNING, 3);
  // Nothing moved while Temporal was away.
  expect(await lastRecorded(stack.db, RUNNING)).toEqual(beforeStop);
  return beforeStop;
}

async function everyLoopResumes(beforeStop: { iteration: number; at: number }): Promise<void> {
  temporal = await startTemporalDevServer(serverOptions);
  const restartedAt = Date.now();
  // The running loop continues its own history: its iteration numbers go on from before. The
  // iteration in flight at the stop may run again under its number: its record was written by
  // a local activity, but Temporal never saw the workflow task that ran it complete.
  const resumed = await eventually(async () => {
    const now = await lastRecorded(stack.db, RUNNING);
    return now.at > restartedAt && now;
  }, 'an iteration of the running loop after the restart', 90_000);
  expect(resumed.iteration).toBeGreaterThanOrEqual(beforeStop.iteration);
  await expectConsistent(stack, RUNNING, 3, 90_000);
  // The worker type created meanwhile never got its signal: reconciliation starts its loop.
  await eventually(async () => (await lastRecorded(stack.db, CREATED_WHILE_DOWN)).iteration >= 1,
    'the loop of the worker type created while Temporal was down', 90_000);
  await expectConsistent(stack, CREATED_WHILE_DOWN, 1);
  // The API's connection comes back too, and the region inventories run again.
  await eventually(async () => {
    const status = await api.client().backendStatus();
    return status.status === 'healthy' && (status.regions as Array<{ healthy: boolean }>).every((r) => r.healthy);
  }, 'backendStatus to see Temporal and every region healthy again', 60_000);
  const after = await lastRecorded(stack.db, RUNNING);
  await eventually(async () => (await lastRecorded(stack.db, RUNNING)).iteration >= after.iteration + 2, 'the loop to keep iterating');
}

test('Temporal stops and comes back', async () => {
  const beforeStop = await step('Temporal down: terminate-all and shutdown answer 503, backendStatus says so, the rest of the API keeps working', onlyTemporalCallsAnswer503);
  await step('Temporal back on the same port and file: every loop resumes by itself', () => everyLoopResumes(beforeStop));
});
