// The history operators read (workerTypeHistory): the real worker launches through the EC2
// proxy, which fails one RunInstances with a real EC2 error, then terminates on request;
// the route shows the failure, the launches and the terminations in order with their
// offerings, codes and reasons. The bound holds: more than HISTORY_LIMIT entries leave the
// newest HISTORY_LIMIT, also when written concurrently.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { HistoryResponse } from '../../src/api/schemas/history';
import { HISTORY_LIMIT } from '../../src/domain/history';
import { createHistoryRepository } from '../../src/db/history';
import type { ApiHarness } from '../support/api-harness';
import { startProvisioningHarness } from '../support/provisioning-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { ownedInstances } from '../support/moto-inspect';
import { step } from '../support/steps';

jest.setTimeout(600_000);

const WT = 'history-builder';
const INVALID_MESSAGE = 'The parameter iops is not supported for gp2 volumes.';
let h: ApiHarness;

beforeAll(async () => {
  h = await startProvisioningHarness();
});
afterAll(async () => { await h?.stop(); });

const validate = addFormats(new Ajv({ strict: false })).compile({ ...HistoryResponse, $id: undefined });

interface Entry { at: string; region: string; zone: string; instanceType: string; market: string; instanceId?: string; code?: string; message?: string | null; reason?: string }
interface History { workerType: string; limit: number; launches: Entry[]; launchFailures: Entry[]; terminations: Entry[] }

async function history(name = WT): Promise<History> {
  const response = await fetch(`${h.url}/v1/worker-type/${name}/history`);
  expect(response.status).toBe(200);
  const body = await response.json() as History;
  expect(validate(body)).toBe(true);
  return body;
}

const newestFirst = (entries: Entry[]) => entries.every((e, i) => i === 0 || Date.parse(entries[i - 1]!.at) >= Date.parse(e.at));

async function failedLaunchThenLaunches(): Promise<void> {
  // The first RunInstances fails as EC2 fails an invalid request; every later one goes through.
  h.env.ec2Proxy.injectFault({ action: 'RunInstances', region: 'us-west-2', code: 'InvalidParameterCombination', message: INVALID_MESSAGE, times: 1 });
  // us-west-2 only: with us-east-1 allowed, a loaded machine may see us-east-1's prices first and
  // launch there, and the fault (set for us-west-2) never fires.
  const usWest2 = (workerTypeDefinition().regions as Array<{ region: string }>).filter((r) => r.region === 'us-west-2');
  await h.provisioner().createWorkerType(WT, workerTypeDefinition({ maxCapacity: 2, regions: usWest2 }));
  h.env.queue.setPending(h.config.provisionerId, WT, 2);
  const seen = await eventually(async () => { const s = await history(); return s.launches.length >= 2 && s.launchFailures.length >= 1 && s; },
    'two launches and a launch failure in the history', 120_000).catch(async (err: Error) => {
    // What the loop saw last, so that a timeout on a loaded machine says where it stood.
    const [s, state] = await Promise.all([history(), h.provisioner().state(WT)]);
    throw new Error(`${err.message}; history has ${s.launches.length} launches, ${s.launchFailures.length} failures; `
      + `last iteration: ${JSON.stringify(state.lastIteration)}; loop error: ${JSON.stringify(state.loopError)}`);
  });
  const [failure] = seen.launchFailures;
  expect(failure).toEqual({
    at: expect.any(String), region: 'us-west-2', zone: expect.stringMatching(/^us-west-2[abc]$/), instanceType: 'c5.xlarge', market: 'spot',
    code: 'InvalidParameterCombination', message: `RunInstances: InvalidParameterCombination: ${INVALID_MESSAGE}`,
  });
  const live = (await ownedInstances(h.env.rawEc2('us-west-2'), h.config.provisionerId)).filter((i) => i.tags.Name === WT);
  expect(seen.launches.map((l) => l.instanceId).sort()).toEqual(live.map((i) => i.id).sort());
  for (const launch of seen.launches) {
    const instance = live.find((i) => i.id === launch.instanceId)!;
    expect(launch).toEqual({ at: expect.any(String), region: 'us-west-2', zone: instance.zone, instanceType: instance.type, market: 'spot', instanceId: instance.id });
    // The failure happened in an iteration before (or the one of) the launches that followed it.
    expect(Date.parse(launch.at)).toBeGreaterThanOrEqual(Date.parse(failure!.at));
  }
  expect(newestFirst(seen.launches)).toBe(true);
  expect(seen.terminations).toEqual([]);
}

async function terminationsFollow(): Promise<void> {
  const before = await history();
  h.env.queue.setPending(h.config.provisionerId, WT, 0);
  await h.provisioner().terminateAllInstancesOfWorkerType(WT);
  const after = await eventually(async () => { const s = await history(); return s.terminations.length >= 2 && s; }, 'two terminations', 120_000);
  expect(after.terminations.map((t) => t.instanceId).sort()).toEqual(before.launches.map((l) => l.instanceId).sort());
  for (const t of after.terminations) {
    const launch = before.launches.find((l) => l.instanceId === t.instanceId)!;
    expect(t).toEqual({ ...launch, at: expect.any(String), reason: 'terminate-all requested' });
    expect(Date.parse(t.at)).toBeGreaterThanOrEqual(Date.parse(launch.at));
  }
  expect(newestFirst(after.terminations)).toBe(true);
  // Each instance is terminated once in the history, whatever the inventory saw afterwards.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect((await history()).terminations).toHaveLength(2);
}

async function boundHolds(): Promise<void> {
  const repository = createHistoryRepository(h.db);
  const name = 'history-bound';
  await h.provisioner().createWorkerType(name, workerTypeDefinition({ maxCapacity: 0 }));
  const offering = { region: 'us-east-1', zone: 'us-east-1a', instanceType: 'c5.xlarge', market: 'on-demand' };
  const extra = 30;
  // Sequential first, then concurrent writers: the per-worker-type lock keeps the count exact.
  for (let i = 0; i < HISTORY_LIMIT; i++) {
    await repository.recordLaunch(name, { ...offering, instanceId: `i-${i.toString(16).padStart(17, '0')}`, clientToken: `bound-${i}` }, new Date(Date.now() + i));
  }
  await Promise.all(Array.from({ length: extra }, (_, k) => HISTORY_LIMIT + k).map((i) =>
    repository.recordLaunch(name, { ...offering, instanceId: `i-${i.toString(16).padStart(17, '0')}`, clientToken: `bound-${i}` }, new Date(Date.now() + i))));
  // A retried write adds nothing.
  await repository.recordLaunch(name, { ...offering, instanceId: `i-${'0'.repeat(17)}`, clientToken: `bound-${HISTORY_LIMIT + extra - 1}` }, new Date());
  await repository.recordLaunchFailures(name, [{ ...offering, code: 'InsufficientInstanceCapacity', message: null }], new Date(), 'iteration-1');
  await repository.recordLaunchFailures(name, [{ ...offering, code: 'InsufficientInstanceCapacity', message: null }], new Date(), 'iteration-1');
  expect(await h.db.historyEntry.count({ where: { workerType: name, kind: 'launch' } })).toBe(HISTORY_LIMIT);
  const kept = await h.db.historyEntry.findMany({ where: { workerType: name, kind: 'launch' }, select: { dedupeKey: true } });
  // The oldest `extra` went; every one of the newest HISTORY_LIMIT stayed.
  const expected = Array.from({ length: HISTORY_LIMIT }, (_, k) => `launch/bound-${extra + k}`).sort();
  expect(kept.map((r) => r.dedupeKey).sort()).toEqual(expected);
  const read = await history(name);
  expect(read.limit).toBe(HISTORY_LIMIT);
  expect(read.launches).toHaveLength(HISTORY_LIMIT);
  expect(read.launchFailures).toHaveLength(1);
  expect(read.launchFailures[0]).toMatchObject({ code: 'InsufficientInstanceCapacity', message: null, market: 'on-demand' });
}

async function unknownWorkerTypeIs404(): Promise<void> {
  expect((await fetch(`${h.url}/v1/worker-type/never-existed/history`)).status).toBe(404);
  expect((await fetch(`${h.url}/v1/worker-type/bad.name/history`)).status).toBe(400);
}

test('the history of a worker type', async () => {
  await step('a failed launch, then the launches, with their offerings', failedLaunchThenLaunches);
  await step('terminations follow, with their reason, once each', terminationsFollow);
  await step('the bound holds: more than the limit leaves exactly the newest', boundHolds);
  await step('an unknown worker type is a 404, a bad name a 400', unknownWorkerTypeIs404);
});
