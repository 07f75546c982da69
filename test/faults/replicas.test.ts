// Two API replicas and two worker replicas against one database and one Temporal, each
// replica with its own database pool and Temporal connections, as separate processes have.
// Concurrent creates and updates through both APIs resolve to one definition (none lost), the
// loops exist once however many replicas reconcile them, no launch happens twice (moto, the
// ledger and the demand agree), and the next iteration uses the definition that won: its
// maxCapacity bounds the capacity and its userData is in the instances launched after it.
// When one worker replica stops, the other carries every loop.
//
// One scenario: each step works on the worker type, instances and replicas the steps before it
// left, so they run in this order as named steps of one test (see test/support/steps.ts).
import { CreateKeyPairCommand } from '@aws-sdk/client-ec2';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { LIVE_STATES } from '../../src/db/ledger';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_REGIONS } from '../support/environment';
import { eventually } from '../support/eventually';
import { FIXTURE_SECURITY_GROUP, workerTypeDefinition } from '../support/fixtures';
import { PARTIAL_CHANGES, partialUpdates, withEveryChange } from '../support/partial-updates';
import { ownedInstances, userDataOf } from '../support/moto-inspect';
import { step } from '../support/steps';
import { startTestTemporal } from '../support/temporal';
import { apiFailure, expectConsistent, startFaultStack, type ApiReplica, type FaultStack, type WorkerReplica } from './stack';

jest.setTimeout(720_000); // the whole scenario; each wait inside has its own bound

const WT = 'replica-builder';
const CONTESTED = 'replica-contested';
const HELD = 'replica-held';
const UPDATES = 6;

let temporal: TestWorkflowEnvironment;
let database: TestDatabase;
let stack: FaultStack;
let apis: ApiReplica[];
let workers: WorkerReplica[];

beforeAll(async () => {
  [temporal, database] = await Promise.all([startTestTemporal(), createTestDatabase()]);
  stack = await startFaultStack({ DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address });
  apis = await Promise.all([stack.startApi(), stack.startApi()]);
  workers = await Promise.all([stack.startWorker(), stack.startWorker()]);
});

afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
  await database?.drop();
});

const [a, b] = [() => apis[0]!.client(), () => apis[1]!.client()];

/** Every instance moto ever had for the worker type, terminated ones included. */
async function everLaunched(workerType: string): Promise<number> {
  const lists = await Promise.all(TEST_REGIONS.map((r) => ownedInstances(stack.rawEc2(r), stack.config.provisionerId, false)));
  return lists.flat().filter((i) => i.tags.WorkerType === `${stack.config.provisionerId}/${workerType}`).length;
}

const running = async (query: string) => {
  let n = 0;
  for await (const _ of temporal.client.workflow.list({ query: `${query} AND ExecutionStatus = 'Running'` })) n++;
  return n;
};

async function concurrentCreates(): Promise<void> {
  const def = workerTypeDefinition({ maxCapacity: 5 });
  await Promise.all([a().createWorkerType(WT, def), b().createWorkerType(WT, def)]);
  expect(await a().listWorkerTypes()).toEqual([WT]);
  const outcomes = await Promise.allSettled([
    a().createWorkerType(CONTESTED, workerTypeDefinition({ maxCapacity: 7 })),
    b().createWorkerType(CONTESTED, workerTypeDefinition({ maxCapacity: 8 })),
  ]);
  const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value as { maxCapacity: number }] : []));
  expect(won).toHaveLength(1);
  const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
  expect((await apiFailure(Promise.reject(lost.reason))).status).toBe(409);
  expect((await b().workerType(CONTESTED)).maxCapacity).toBe(won[0]!.maxCapacity);
  await a().removeWorkerType(CONTESTED);
  // Both workers reconciled at start: still one loop per worker type and per region.
  await eventually(async () => (await running(`WorkflowId = 'worker-type/${WT}'`)) === 1, 'the loop');
  expect(await running("WorkflowType = 'regionInventoryWorkflow'")).toBe(TEST_REGIONS.length);
}

async function noLaunchTwice(): Promise<void> {
  stack.setPending(WT, 4);
  // Both APIs wake the loop at once while it launches.
  await Promise.all([a().updateWorkerType(WT, workerTypeDefinition({ maxCapacity: 5 })), b().updateWorkerType(WT, workerTypeDefinition({ maxCapacity: 5 }))]);
  await expectConsistent(stack, WT, 4);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await expectConsistent(stack, WT, 4);
  expect(await stack.db.instance.count({ where: { workerType: WT } })).toBe(4);
  expect(await everLaunched(WT)).toBe(4);
}

/**
 * The lost update made certain rather than likely: an update through A is held between its
 * read and its write (its key pair check waits on EC2, delayed by the proxy) while B stores
 * another. Without the compare-and-set, A's write puts back the field B changed.
 */
async function heldUpdate(): Promise<void> {
  await a().createWorkerType(HELD, workerTypeDefinition());
  const key = `${stack.config.provisionerId}-held`; // moto is shared: a name no other file uses
  await Promise.all(TEST_REGIONS.map((r) => stack.rawEc2(r).send(new CreateKeyPairCommand({ KeyName: key }))));
  const names = (params: URLSearchParams) => [...params.values()].includes(key);
  stack.proxy.injectDelay({ action: 'DescribeKeyPairs', ms: 5_000, times: TEST_REGIONS.length, match: names });
  const lookups = () => stack.proxy.counts().DescribeKeyPairs ?? 0;
  const lookupsBefore = lookups();
  // Body 1 changes canUseOndemand, body 2 availabilityZones; each leaves the other out.
  const [, viaB, held] = partialUpdates(3, (i) => (i === 2 ? { launchSpec: { SecurityGroups: [FIXTURE_SECURITY_GROUP], KeyName: key } } : {}));
  let heldStored = false;
  const heldDone = a().updateWorkerType(HELD, held).then(() => { heldStored = true; });
  await eventually(async () => lookups() > lookupsBefore, 'the held update in its key pair check', 30_000, 20);
  await b().updateWorkerType(HELD, viaB);
  expect(heldStored).toBe(false); // B was stored while A was held between its read and its write
  await heldDone;
  const final = await b().workerType(HELD);
  expect(final).toMatchObject({ ...PARTIAL_CHANGES[1], ...PARTIAL_CHANGES[2], launchSpec: { KeyName: key } });
  await a().removeWorkerType(HELD);
}

async function concurrentUpdates(): Promise<void> {
  const before = (await stack.db.workerType.findUniqueOrThrow({ where: { name: WT } })).revision;
  // Some updates each change one optional field and leave the others out: an update written
  // over a newer one it did not read would put one of those fields back.
  // One instance type of capacity 1, so that instances and capacity count alike: with one
  // update's zone restriction the planner would otherwise cover part of the need with a
  // c5.2xlarge (capacity 2) once the per-offering cap of the only us-west-2 zone is used up.
  const instanceTypes = (workerTypeDefinition().instanceTypes as { instanceType: string }[]).filter((t) => t.instanceType === 'c5.xlarge');
  const bodies = partialUpdates(UPDATES, (i) => ({
    maxCapacity: 6 + i, instanceTypes, userData: { dockerConfig: { allowPrivileged: false }, marker: `update-${i}` },
  }));
  await Promise.all(bodies.map((body, i) => (i % 2 === 0 ? a() : b()).updateWorkerType(WT, body)));
  const [viaA, viaB] = await Promise.all([a().workerType(WT), b().workerType(WT)]);
  expect(viaB).toEqual(viaA);
  expect(viaA).toMatchObject(withEveryChange());
  // The required fields are one whole update's, not a mix of several.
  const winner = bodies.findIndex((body) => (body.userData as { marker: string }).marker === viaA.userData.marker);
  expect(winner).toBeGreaterThanOrEqual(0);
  expect(viaA.maxCapacity).toBe(6 + winner);
  // Every update was applied (in some order): none was overwritten by a stale read.
  expect((await stack.db.workerType.findUniqueOrThrow({ where: { name: WT } })).revision).toBe(before + UPDATES);

  stack.setPending(WT, 50);
  // Seven launches over several iterations: the bound allows for a loaded CI machine.
  const live = await expectConsistent(stack, WT, viaA.maxCapacity, 120_000);
  const fresh = await Promise.all(live.map(async (i) => (await userDataOf(stack.rawEc2(i.zone.slice(0, -1)), i.id)).data as { marker?: string }));
  const launchedAfter = fresh.filter((d) => d.marker !== undefined);
  expect(launchedAfter).toHaveLength(viaA.maxCapacity - 4);
  for (const data of launchedAfter) expect(data.marker).toBe(`update-${winner}`);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  // An iteration that observed an intermediate revision (a higher maxCapacity) before the
  // demand arrived may launch up to it; the next ones cut the excess back. Nothing else goes.
  const gone = await stack.db.instance.findMany({ where: { workerType: WT, state: { notIn: LIVE_STATES } } });
  expect(gone.map((r) => r.terminationReason)).toEqual(gone.map(() => 'excess capacity (never registered)'));
  expect(await everLaunched(WT)).toBe(viaA.maxCapacity + gone.length);
  expect(viaA.maxCapacity + gone.length).toBeLessThanOrEqual(6 + UPDATES - 1);
}

async function otherReplicaCarriesOn(): Promise<void> {
  await workers[0]!.stop();
  const current = (await a().workerType(WT)).maxCapacity as number;
  await b().updateWorkerType(WT, workerTypeDefinition({ maxCapacity: current + 2, userData: { marker: 'after-stop' } }));
  await expectConsistent(stack, WT, current + 2);
  expect(await stack.db.instance.count({ where: { workerType: WT } })).toBe(current + 2);
}

test('replicas: concurrent creates and updates, launches by two workers, one worker stopping', async () => {
  await step('the same create through both APIs at once: both succeed, one definition, one loop; different ones: one wins, one 409', concurrentCreates);
  await step('two workers provision one worker type: no launch twice', noLaunchTwice);
  await step('an update held between its read and its write on one API while the other stores one: neither is lost', heldUpdate);
  await step('concurrent updates through both APIs: one final definition, no update lost, and the next iteration uses it', concurrentUpdates);
  await step('one worker replica stops: the other carries the loops on', otherReplicaCarriesOn);
});
