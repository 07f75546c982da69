// End to end: the real API (driven by taskcluster-client 1.6.3), the real worker on a real
// Temporal dev server, moto as EC2 and the local Queue server. Capacity follows the Queue,
// instances carry the right type, tags and user data, and state matches EC2 at every step.
//
// One scenario: each step works on the instances and definitions the steps before it left,
// so they run in this order as named steps of one test (see test/support/steps.ts).
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { ApiHarness } from '../support/api-harness';
import { startProvisioningHarness } from '../support/provisioning-harness';
import { eventually } from '../support/eventually';
import { fixtureAmis, workerTypeDefinition } from '../support/fixtures';
import { ownedInstances, userDataOf, volumeTags, type MotoInstance } from '../support/moto-inspect';
import { TEST_REGIONS } from '../support/environment';
import { step } from '../support/steps';

jest.setTimeout(600_000); // the whole scenario; each wait inside has its own bound
let h: ApiHarness;
const WT = 'e2e-builder';

beforeAll(async () => {
  h = await startProvisioningHarness();
});
afterAll(async () => { await h?.stop(); });

async function allLive(): Promise<MotoInstance[]> {
  const lists = await Promise.all(TEST_REGIONS.map((r) => ownedInstances(h.env.rawEc2(r), h.config.provisionerId)));
  return lists.flat().filter((i) => i.tags.WorkerType === `${h.config.provisionerId}/${WT}`);
}

/** `state` lists exactly the live instances moto has, and its summary adds them up. */
async function stateMatchesMoto(): Promise<boolean> {
  const [state, live] = await Promise.all([h.provisioner().state(WT), allLive()]);
  const stateIds = state.instances.filter((i: { state: string }) => ['pending', 'running'].includes(i.state)).map((i: { id: string }) => i.id).sort();
  const running = state.summary.runningCapacity + state.summary.pendingCapacity + state.summary.requestedCapacity;
  const motoCapacity = live.reduce((sum, i) => sum + (i.type === 'c5.2xlarge' ? 2 : 1), 0);
  return JSON.stringify(stateIds) === JSON.stringify(live.map((i) => i.id).sort()) && running === motoCapacity;
}

const setPending = (n: number) => h.env.queue.setPending(h.config.provisionerId, WT, n);

/**
 * Once the region loops have priced the worker types' instance types in every region: a
 * region prices only the types some worker type uses, and on a loaded machine one region may
 * be priced seconds before the other, when demand would be launched where it is known.
 */
async function pricedEverywhere(instanceType: string): Promise<void> {
  await eventually(async () => {
    const regions = await h.db.spotPrice.groupBy({ by: ['region'], where: { instanceType, region: { in: TEST_REGIONS } } });
    return regions.length === TEST_REGIONS.length;
  }, `${instanceType} priced in ${TEST_REGIONS.join(' and ')}`, 60_000);
}

async function capacityFollowsPendingTasks(): Promise<void> {
  await h.provisioner().createWorkerType(WT, workerTypeDefinition({ maxCapacity: 6 }));
  await pricedEverywhere('c5.xlarge');
  setPending(3);
  const live = await eventually(async () => { const l = await allLive(); return l.length >= 3 && l; }, '3 instances in moto');
  for (const i of live) {
    expect(i).toMatchObject({ type: 'c5.xlarge', spot: true, zone: expect.stringMatching(/^us-west-2/) });
    expect(i.tags).toEqual({ Name: WT, Owner: h.config.provisionerId, WorkerType: `${h.config.provisionerId}/${WT}` });
    for (const tags of await volumeTags(h.env.rawEc2('us-west-2'), i.id)) {
      expect(tags).toMatchObject({ Name: WT, WorkerType: `${h.config.provisionerId}/${WT}` });
    }
  }
  const userData = await userDataOf(h.env.rawEc2('us-west-2'), live[0]!.id);
  // A spot launch: spotBid is the MaxPrice submitted, maxPrice x utility.
  expect(userData).toMatchObject({
    workerType: WT, provisionerId: h.config.provisionerId, instanceType: 'c5.xlarge', capacity: 1, region: 'us-west-2', spotBid: 0.5,
  });
  expect(userData.securityToken).toEqual(expect.any(String));
  await eventually(stateMatchesMoto, 'state to match moto');
  const summaries = await h.provisioner().listWorkerTypeSummaries();
  const summary = summaries.find((s: { workerType: string }) => s.workerType === WT);
  expect(summary.runningCapacity + summary.pendingCapacity + summary.requestedCapacity).toBe(3);
  expect(summary.runningCapacity).toBe(0); // none has called instanceStarted yet
  await new Promise((r) => setTimeout(r, 3000));
  expect(await allLive()).toHaveLength(3);
}

async function tokenTradedForCredentialsOnce(): Promise<void> {
  const [instance] = await allLive();
  const { securityToken } = await userDataOf(h.env.rawEc2('us-west-2'), instance!.id) as { securityToken: string };
  const anonymous = h.provisioner(null);
  await anonymous.instanceStarted(instance!.id, securityToken);
  const secret = await anonymous.getSecret(securityToken);
  expect(JSON.parse(secret.credentials.certificate).scopes).toEqual([`assume:worker-type:${h.config.provisionerId}/${WT}`, 'assume:worker-id:*']);
  await anonymous.removeSecret(securityToken);
  await expect(anonymous.getSecret(securityToken)).rejects.toMatchObject({ statusCode: 404 });
  const row = await h.db.instance.findFirst({ where: { instanceId: instance!.id } });
  expect(row?.registered).toBeInstanceOf(Date);
  expect(row?.registeredBy).toBe('instanceStarted');
}

async function tokensNeverInHistoryOrLogs(): Promise<void> {
  const [instance] = await allLive();
  const { securityToken } = await userDataOf(h.env.rawEc2('us-west-2'), instance!.id) as { securityToken: string };
  const handle = h.env.temporal.client.workflow.getHandle(`worker-type/${WT}`);
  const history = readable(await handle.fetchHistory());
  const description = readable(await handle.describe());
  expect(history).toContain(instance!.id); // the history does record launches...
  for (const text of [history, description, h.logs.join('\n')]) {
    expect(text).not.toContain(securityToken); // ...but never the token in their user data
  }
}

async function lowerDemandTerminatesUnregistered(): Promise<void> {
  const started = (await h.db.instance.findMany({ where: { workerType: WT, registered: { not: null } } })).map((r) => r.instanceId);
  expect(started).toHaveLength(1);
  setPending(0);
  const live = await eventually(async () => { const l = await allLive(); return l.length === 1 && l; }, 'scale-down to the registered instance', 60_000);
  expect(live.map((i) => i.id)).toEqual(started);
  await eventually(stateMatchesMoto, 'state to match moto after scale-down');
}

async function minCapacityRaisesToTheFloor(): Promise<void> {
  await h.provisioner().updateWorkerType(WT, workerTypeDefinition({ maxCapacity: 6, minCapacity: 3 }));
  await eventually(async () => (await allLive()).length === 3, 'capacity at minCapacity 3');
  await eventually(stateMatchesMoto, 'state to match moto at the floor');
}

async function terminateAllLeavesNone(): Promise<void> {
  await h.provisioner().updateWorkerType(WT, workerTypeDefinition({ maxCapacity: 6, minCapacity: 0 }));
  const result = await h.provisioner().terminateAllInstancesOfWorkerType(WT);
  expect(result.outcome).toBe(true);
  await eventually(async () => (await allLive()).length === 0, 'no live instance', 60_000);
  await eventually(stateMatchesMoto, 'state to match moto after terminate-all');
}

async function removeLeavesNone(): Promise<void> {
  setPending(2);
  await eventually(async () => (await allLive()).length === 2, 'instances again');
  await h.provisioner().removeWorkerType(WT);
  await eventually(async () => (await allLive()).length === 0, 'no instance after remove', 60_000);
}

async function shutdownSweepsEverything(): Promise<void> {
  const other = 'e2e-other';
  await h.provisioner().createWorkerType(other, workerTypeDefinition({ minCapacity: 1 }));
  // In whichever region it went to: the regions priced nothing while no worker type was left,
  // and the first one priced again may take the launch.
  const [started] = await eventually(async () => {
    const l = (await Promise.all(TEST_REGIONS.map(async (region) => (await ownedInstances(h.env.rawEc2(region), h.config.provisionerId))
      .filter((i) => i.tags.WorkerType?.endsWith(`/${other}`)).map((i) => ({ ...i, region })))))
      .flat();
    return l.length === 1 && l;
  }, 'the other worker type launched', 60_000).catch(async (err: Error) => {
    // If it never comes, say what the loop last saw and what the ledger holds.
    const { lastIteration } = await h.provisioner().state(other);
    const rows = await h.db.instance.findMany({ where: { workerType: other }, select: { state: true, region: true, terminationReason: true } });
    throw new Error(`${err.message}; last iteration: ${JSON.stringify(lastIteration)}; ledger: ${JSON.stringify(rows)}`);
  });
  const { securityToken } = await userDataOf(h.env.rawEc2(started!.region), started!.id) as { securityToken: string };
  await h.provisioner(null).instanceStarted(started!.id, securityToken);
  await h.provisioner().updateWorkerType(other, workerTypeDefinition({ minCapacity: 0 }));
  const iteration = (await h.provisioner().state(other)).lastIteration?.iteration ?? 0;
  await eventually(async () => ((await h.provisioner().state(other)).lastIteration?.iteration ?? 0) >= iteration + 3, 'three more iterations');
  const before = await Promise.all(TEST_REGIONS.map((r) => ownedInstances(h.env.rawEc2(r), h.config.provisionerId)));
  expect(before.flat().map((i) => i.id)).toEqual([started!.id]); // a started instance survives scale-down
  // An orphan: tagged as ours, unknown to the ledger, in the other region.
  await h.env.rawEc2('us-east-1').send(new RunInstancesCommand({
    ImageId: fixtureAmis['us-east-1'], MinCount: 1, MaxCount: 1, InstanceType: 'c5.xlarge',
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Owner', Value: h.config.provisionerId }] }],
  }));
  await h.provisioner().shutdownEverySingleEc2InstanceManagedByThisProvisioner();
  await eventually(async () => {
    const lists = await Promise.all(TEST_REGIONS.map((r) => ownedInstances(h.env.rawEc2(r), h.config.provisionerId)));
    return lists.every((l) => l.length === 0);
  }, 'no tagged instance in any region', 60_000);
  const row = await h.db.instance.findFirst({ where: { instanceId: started!.id } });
  expect(['shutdown of every instance requested', 'terminate-all requested']).toContain(row?.terminationReason);
}

test('provisioning, from the first launch to the shutdown of everything', async () => {
  await step('capacity follows pending tasks, with the right type, tags and user data', capacityFollowsPendingTasks);
  await step('a booting instance trades its token for credentials, once', tokenTradedForCredentialsOnce);
  await step('tokens and credentials never reach workflow history, search attributes or logs', tokensNeverInHistoryOrLogs);
  await step('lower demand terminates only instances that never registered', lowerDemandTerminatesUnregistered);
  await step('raising minCapacity launches up to the floor', minCapacityRaisesToTheFloor);
  await step('terminateAllInstancesOfWorkerType leaves none running', terminateAllLeavesNone);
  await step('remove leaves none', removeLeavesNone);
  await step('shutdown sweeps every tagged instance in every region, started ones and orphans included', shutdownSweepsEverything);
});

/** Every string and payload of a Temporal object as text: payload data (bytes) decoded from UTF-8. */
function readable(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return parts.join('\n');
}
