// Fault: PostgreSQL stops (as a crash would) and comes back on the same data and port. The
// file has a server of its own for that. While it is down every API call that needs the
// database answers 503 ServiceUnavailable and nothing else (no 500, no driver message), and
// backendStatus says the database is down; a write attempted meanwhile leaves nothing. The
// outage outlasts the retries of the loops' database activities; one loop has a launch in
// flight when it starts, the other is between iterations. Once the database is back both
// carry on by themselves, and EC2, the ledger and the secrets agree on exactly the capacity
// asked for.
//
// One scenario: the recovery is of the outage the first step caused, so they run in this order
// as named steps of one test (see test/support/steps.ts).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createClientRepository } from '../../src/db/clients';
import { applyMigrations } from '../../src/db/migrate';
import { SecretBox } from '../../src/db/secret-box';
import slugid from 'slugid';
import { databaseUrl, withAdminClient } from '../support/database';
import { eventually } from '../support/eventually';
import { amiSetBody, workerTypeDefinition } from '../support/fixtures';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { step } from '../support/steps';
import { startTestTemporal } from '../support/temporal';
import { apiFailure, expectConsistent, lastRecorded, sleep, startFaultStack, type ApiReplica, type FaultStack } from './stack';

jest.setTimeout(480_000); // the whole scenario; each wait inside has its own bound

const WT = 'pg-builder';
/** A loop with nothing to do, so the outage hits its observation step rather than a launch. */
const STEADY = 'pg-steady';
const CREATED_DURING_OUTAGE = 'pg-never-stored';
/** Longer than the loop's database activities retry (5 attempts, 1 s doubling to 8 s). */
const OUTAGE_MS = 25_000;
const UNAVAILABLE = { code: 'ServiceUnavailable', message: 'The database is unavailable; retry later.' };
// taskcluster-client 1.6.3 is CommonJS without types.
const taskcluster = require('taskcluster-client');

let server: PostgresServer;
let temporal: TestWorkflowEnvironment;
let stack: FaultStack;
let api: ApiReplica;
const token = slugid.nice();

beforeAll(async () => {
  [server, temporal] = await Promise.all([startPostgresServer(), startTestTemporal()]);
  await withAdminClient(server.adminUrl, (c) => c.query('CREATE DATABASE provisioner'));
  const url = databaseUrl(server.adminUrl, 'provisioner');
  await applyMigrations(url);
  stack = await startFaultStack({ DATABASE_URL: url, TEMPORAL_ADDRESS: temporal.address });
  api = await stack.startApi();
  await stack.startWorker();
});

afterAll(async () => {
  await server?.restart();
  await stack?.stop();
  await temporal?.teardown();
  await server?.stop();
});

type Recorded = Record<string, { iteration: number; at: number }>;

const secretBody = () => ({ workerType: WT, secrets: { a: 1 }, scopes: [], token, expiration: new Date(Date.now() + 3_600_000).toISOString() });

/** Stops the database with a launch in flight; returns each loop's last iteration before the outage. */
async function everyCallAnswers503(): Promise<Recorded> {
  const c = api.client();
  // A client of the database (not root): authenticating it needs the database too.
  const credentials = await createClientRepository(stack.db, new SecretBox(stack.config.secretsKey!)).create('pg-operator', ['*'], 'outage test', null);
  const operator = new taskcluster.AwsProvisioner({ baseUrl: `${api.url}/v1`, retries: 0, credentials });
  await c.createWorkerType(WT, workerTypeDefinition({ maxCapacity: 5 }));
  await c.createWorkerType(STEADY, workerTypeDefinition({ maxCapacity: 5 }));
  stack.setPending(WT, 2);
  stack.setPending(STEADY, 1);
  await expectConsistent(stack, WT, 2);
  await expectConsistent(stack, STEADY, 1);
  // A launch is in flight (its RunInstances held at the proxy) when the database stops.
  const launches = stack.proxy.counts().RunInstances ?? 0;
  stack.proxy.injectDelay({ action: 'RunInstances', ms: 3_000 });
  stack.setPending(WT, 3);
  await eventually(async () => (stack.proxy.counts().RunInstances ?? 0) > launches, 'a launch to reach EC2', 30_000, 50);
  const beforeOutage: Recorded = { [WT]: await lastRecorded(stack.db, WT), [STEADY]: await lastRecorded(stack.db, STEADY) };
  await server.halt();
  const haltedAt = Date.now();

  const calls: Array<[string, () => Promise<unknown>]> = [
    ['workerType', () => c.workerType(WT)],
    ['listWorkerTypes', () => c.listWorkerTypes()],
    ['listWorkerTypeSummaries', () => c.listWorkerTypeSummaries()],
    ['workerTypeLastModified', () => c.workerTypeLastModified(WT)],
    ['state', () => c.state(WT)],
    ['getLaunchSpecs', () => c.getLaunchSpecs(WT)],
    ['createWorkerType', () => c.createWorkerType(CREATED_DURING_OUTAGE, workerTypeDefinition())],
    ['updateWorkerType', () => c.updateWorkerType(WT, workerTypeDefinition({ maxCapacity: 1 }))],
    ['removeWorkerType', () => c.removeWorkerType(WT)],
    ['createSecret', () => c.createSecret(token, secretBody())],
    ['getSecret', () => c.getSecret(token)],
    ['createAmiSet', () => c.createAmiSet('pg-amis', amiSetBody())],
    ['listAmiSets', () => c.listAmiSets()],
    ['updateWorkerType by a client of the database', () => operator.updateWorkerType(WT, workerTypeDefinition({ maxCapacity: 1 }))],
  ];
  for (const [name, call] of calls) {
    const { status, body } = await apiFailure(call());
    expect({ name, status, body }).toEqual({ name, status: 503, body: UNAVAILABLE });
  }
  expect(await c.ping()).toMatchObject({ alive: true });
  const health = await c.backendStatus();
  expect(health).toMatchObject({ status: 'unhealthy', database: { healthy: false } });
  expect(JSON.stringify(health)).not.toMatch(/ECONNREFUSED|prisma|at .*\.js/i);
  await sleep(OUTAGE_MS - (Date.now() - haltedAt));
  // No request was answered as an internal error.
  expect(stack.logs.some((l) => l.includes('"level":50') && l.includes('internal error'))).toBe(false);
  return beforeOutage;
}

async function recoversWithTheRightCapacity(beforeOutage: Recorded): Promise<void> {
  await server.restart();
  const restartedAt = Date.now();
  const c = api.client();
  await eventually(async () => (await c.workerType(WT)).maxCapacity === 5, 'the API to read the database again', 30_000);
  // The writes answered with 503 left nothing behind.
  expect(await c.listWorkerTypes()).toEqual([WT, STEADY]);
  expect((await apiFailure(c.workerType(CREATED_DURING_OUTAGE))).status).toBe(404);
  expect((await apiFailure(c.getSecret(token))).status).toBe(404);
  expect((await apiFailure(c.amiSet('pg-amis'))).status).toBe(404);
  // Neither loop was lost: both iterate again, numbering on from before the outage.
  for (const name of [WT, STEADY]) {
    const resumed = await eventually(async () => {
      const now = await lastRecorded(stack.db, name);
      return now.at > restartedAt && now;
    }, `an iteration of ${name} after the restart`, 90_000);
    expect(resumed.iteration).toBeGreaterThan(beforeOutage[name]!.iteration);
  }
  await expectConsistent(stack, STEADY, 1);
  // The launch cut off by the outage was completed exactly once, and the target is met.
  await expectConsistent(stack, WT, 3, 90_000);
  expect((await c.state(WT)).summary).toMatchObject({ pendingCapacity: 3, requestedCapacity: 0 });
  expect(await c.backendStatus()).toMatchObject({ database: { healthy: true } });
  stack.setPending(WT, 4);
  await expectConsistent(stack, WT, 4);
  expect(stack.logs.some((l) => l.includes('"level":50') && l.includes('internal error'))).toBe(false);
}

test('PostgreSQL stops and comes back', async () => {
  const beforeOutage = await step('PostgreSQL down: every call that needs it answers 503 ServiceUnavailable, with nothing internal in the body', everyCallAnswers503);
  await step('PostgreSQL back: nothing half-written, and the loop recovers by itself with the right capacity', () => recoversWithTheRightCapacity(beforeOutage));
});
