// End to end with the real workers' boot sequences: instances launched by the real loop are
// booted by the simulators of docker-worker (both generations), generic-worker v16 and
// worker-runner, each reading its user data from a local instance-metadata server that
// serves what moto holds. None of them calls instanceStarted, as none of the real ones does.
// They must show as running within an iteration and survive demand dropping to zero and a
// short registration timeout; an instance whose secret nobody claimed is still reaped.
//
// One timeline: each step works on the instances the steps before it booted or left, so
// they run in this order as named steps of one test (see test/support/steps.ts).
import { reconcileLoops } from '../../src/worker/worker';
import { startApiHarness, failure, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { ownedInstances, type MotoInstance } from '../support/moto-inspect';
import { boot as bootDockerWorker } from '../support/real-workers/docker-worker';
import { boot as bootGenericWorker } from '../support/real-workers/generic-worker';
import { startImds, type Imds } from '../support/real-workers/imds';
import type { TemporaryCredentials } from '../support/real-workers/credentials';
import { boot as bootWorkerRunner } from '../support/real-workers/worker-runner';
import { step } from '../support/steps';

jest.setTimeout(600_000); // the whole timeline; each wait inside has its own bound

const WT = 'real-workers';
const REGISTRATION_TIMEOUT_S = 15;
const INTERVAL_S = 1;
type Family = 'docker-worker-2017' | 'docker-worker-2019' | 'generic-worker' | 'worker-runner';
const FAMILIES: Family[] = ['docker-worker-2017', 'docker-worker-2019', 'generic-worker', 'worker-runner'];

let h: ApiHarness;
const imdses: Imds[] = [];
const stops: Array<() => void> = [];
const t0 = Date.now();
const timeline: string[] = [];
const mark = (what: string) => timeline.push(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${what}`);

beforeAll(async () => {
  h = await startApiHarness({
    ITERATION_INTERVAL: String(INTERVAL_S), INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1',
    REGISTRATION_TIMEOUT_MINUTES: String(REGISTRATION_TIMEOUT_S / 60),
  });
  h.env.ec2Proxy.setSpotPrices(['a', 'b', 'c'].flatMap((z) => [
    { region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.xlarge', price: 0.1 },
    { region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.2xlarge', price: 0.3 },
  ]));
  await h.env.startWorker();
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});

afterAll(async () => {
  stops.forEach((stop) => stop());
  await Promise.all(imdses.map((i) => i.stop()));
  process.stdout.write(`\nReal workers timeline (registration timeout ${REGISTRATION_TIMEOUT_S} s, iteration ${INTERVAL_S} s):\n${timeline.join('\n')}\n\n`);
  await h?.stop();
});

const live = async (): Promise<MotoInstance[]> => (await ownedInstances(h.env.rawEc2('us-west-2'), h.config.provisionerId))
  .filter((i) => i.tags.WorkerType === `${h.config.provisionerId}/${WT}`);
const setPending = (n: number) => { h.env.queue.setPending(h.config.provisionerId, WT, n); mark(`Queue: ${n} pending tasks`); };
const summary = async () => (await h.provisioner().state(WT)).summary as { runningCapacity: number; pendingCapacity: number; requestedCapacity: number };

async function bootFamily(family: Family, instanceId: string): Promise<TemporaryCredentials> {
  const imds = await startImds(h.env.rawEc2('us-west-2'), instanceId);
  imdses.push(imds);
  if (family === 'generic-worker') {
    const worker = await bootGenericWorker({ imdsUrl: imds.url, checkIntervalMs: 2_000 });
    stops.push(() => worker.stop());
    return worker.credentials;
  }
  if (family === 'worker-runner') {
    const worker = await bootWorkerRunner({ imdsUrl: imds.url, terminationPollMs: 1_000 });
    stops.push(() => worker.stop());
    return worker.credentials;
  }
  const worker = await bootDockerWorker({ imdsUrl: imds.url, profile: family });
  return worker.credentials;
}

const booted = new Map<string, Family>();
let unclaimed = '';

async function bootEveryFamily(): Promise<void> {
  // generic-worker v16 refuses user data without its own config section.
  const userData = { genericWorker: { config: { deploymentId: 'e2e-1', ed25519SigningKeyLocation: '/etc/generic-worker/ed25519' } } };
  const usWest2 = (workerTypeDefinition().regions as Array<{ region: string }>).filter((r) => r.region === 'us-west-2');
  await h.provisioner().createWorkerType(WT, workerTypeDefinition({ maxCapacity: 8, userData, regions: usWest2 }));
  mark('worker type created');
  setPending(FAMILIES.length + 1);
  const instances = await eventually(async () => { const l = await live(); return l.length >= FAMILIES.length + 1 && l; }, 'the launches in moto');
  mark(`${instances.length} instances launched (${instances.map((i) => i.id).join(', ')})`);
  expect((await summary()).runningCapacity).toBe(0);
  for (const [i, family] of FAMILIES.entries()) {
    const credentials = await bootFamily(family, instances[i]!.id);
    booted.set(instances[i]!.id, family);
    mark(`${family} booted on ${instances[i]!.id}: getSecret and removeSecret done, never instanceStarted`);
    // The credentials authenticate with this API: a scoped call is refused for scopes (403), not for its signature (401).
    expect(await failure(h.provisioner(credentials).createWorkerType('not-allowed', workerTypeDefinition()))).toMatchObject({ status: 403 });
  }
  unclaimed = instances[FAMILIES.length]!.id;
  const s = await summary();
  expect(s.runningCapacity).toBe(FAMILIES.length);
  const state = await h.provisioner().state(WT);
  for (const id of booted.keys()) {
    expect(state.instances.find((e: { id: string }) => e.id === id)).toMatchObject({ capacityState: 'running', registeredBy: 'getSecret' });
  }
  expect(state.instances.find((e: { id: string }) => e.id === unclaimed)).toMatchObject({ capacityState: 'pending', registered: null });
  const sawRunning = Date.now();
  await eventually(async () => {
    const last = (await h.provisioner().state(WT)).lastIteration as { at: string; capacity: { running: number } } | null;
    return last && Date.parse(last.at) > sawRunning && last.capacity.running === FAMILIES.length;
  }, 'an iteration that counts the booted workers as running', 10_000);
  mark(`next iteration counts running ${FAMILIES.length}, pending ${s.pendingCapacity}`);
}

async function unclaimedInstanceReaped(): Promise<void> {
  setPending(1); // the workers took four tasks; one is left for the booting instance
  const reaped = await eventually(async () => {
    const row = await h.db.instance.findFirst({ where: { instanceId: unclaimed } });
    return row?.terminationReason === 'unregistered' && row;
  }, 'the unclaimed instance to be reaped as unregistered', 60_000);
  mark(`${unclaimed} (secret never claimed) terminated: ${reaped.terminationReason}`);
  const ids = new Set((await live()).map((i) => i.id));
  for (const id of booted.keys()) expect(ids.has(id)).toBe(true);
}

async function workersSurviveZeroDemand(): Promise<void> {
  setPending(0);
  const from = Date.now();
  await new Promise((resolve) => setTimeout(resolve, Math.max(8_000, (REGISTRATION_TIMEOUT_S + 3) * 1000 - (Date.now() - t0))));
  const last = (await h.provisioner().state(WT)).lastIteration as { iteration: number; change: number; notes: string[] };
  const ids = new Set((await live()).map((i) => i.id));
  for (const [id, family] of booted) {
    expect(ids.has(id)).toBe(true);
    const row = await h.db.instance.findFirstOrThrow({ where: { instanceId: id } });
    expect({ family, state: row.state, reason: row.terminationReason }).toEqual({ family, state: 'running', reason: null });
  }
  // Anything launched for the last task and never claimed is gone: only the workers remain.
  await eventually(async () => (await live()).length === FAMILIES.length, 'only the registered workers left in EC2', 30_000);
  const s = await summary();
  expect(s).toMatchObject({ runningCapacity: FAMILIES.length, pendingCapacity: 0, requestedCapacity: 0 });
  const oldest = Math.min(...(await h.db.instance.findMany({ where: { instanceId: { in: [...booted.keys()] } } })).map((r) => r.launched.getTime()));
  mark(`${((Date.now() - from) / 1000).toFixed(0)} s at zero demand (iteration ${last.iteration}, change ${last.change}): `
    + `${booted.size} workers still running, launched ${((Date.now() - oldest) / 1000).toFixed(0)} s ago`);
}

async function removeThenRecreate(): Promise<void> {
  const definition = await h.provisioner().workerType(WT);
  const { workerType: _name, lastModified: _at, ...body } = definition;
  await h.provisioner().removeWorkerType(WT);
  await h.provisioner().createWorkerType(WT, body);
  mark('worker type removed and created again at once');
  const old = [...booted.keys()];
  // The ledger says 'stopping' before TerminateInstances is sent: wait for EC2 as well.
  await eventually(async () => {
    const rows = await h.db.instance.findMany({ where: { instanceId: { in: old } } });
    const ids = new Set((await live()).map((i) => i.id));
    return rows.every((r) => r.state === 'stopping' || r.state === 'terminated') && old.every((id) => !ids.has(id));
  }, 'the old workers terminated, in the ledger and in EC2', 60_000);
  mark(`the ${old.length} workers of the removed definition terminated`);
  setPending(1);
  const fresh = await eventually(async () => { const l = await live(); return l.length === 1 && l; }, 'a launch for the new definition', 30_000);
  expect(old).not.toContain(fresh[0]!.id);
}

test('real workers: boot, registration timeout, zero demand, remove and re-create', async () => {
  await step('launched instances boot with every real worker family and count as running within one iteration', bootEveryFamily);
  await step('the workers\' tasks are claimed: the booting instance is reaped at the registration timeout, the workers live on', unclaimedInstanceReaped);
  await step('demand drops to zero for many iterations, well past the registration timeout: every worker keeps running', workersSurviveZeroDemand);
  await step('remove-then-recreate: the removed definition\'s running workers are terminated, the new definition provisions', removeThenRecreate);
});
