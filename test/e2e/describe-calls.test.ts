// EC2 throttles describe calls per account and region, so they must grow with regions, not
// with worker types: the region inventory loops are the only callers, one sweep per region
// per pass. Counted at the EC2 proxy per region, over whole inventory passes (the region
// workflow's pass counter), with 1 and then with 50 worker type loops running.
//
// One scenario: the 50 loops are measured against the rates the single loop gave, and the
// loops' own calls are counted with those 50 running, so they run in this order as named
// steps of one test (see test/support/steps.ts).
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { createWorkerTypeRepository } from '../../src/db/worker-types';
import { regionWorkflowId } from '../../src/temporal/names';
import { reconcileLoops } from '../../src/worker/worker';
import { inventoryPassesQuery } from '../../workflows/messages';
import { startTestEnvironment, TEST_REGIONS, type TestEnvironment } from '../support/environment';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { step } from '../support/steps';

jest.setTimeout(540_000); // the whole scenario; each wait inside has its own bound

/** Whole passes per measurement window. */
const PASSES = 4;
const MANY = 50;

let env: TestEnvironment;

beforeAll(async () => {
  // Prices refresh at every pass (interval below the inventory's), so a pass has a fixed shape.
  env = await startTestEnvironment({ ITERATION_INTERVAL: '4', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '0.5', LOG_LEVEL: 'info' });
  env.ec2Proxy.setSpotPrices(TEST_REGIONS.flatMap((region) => ['a', 'b'].map((z) => ({ region, zone: `${region}${z}`, instanceType: 'c5.xlarge', price: 0.1 }))));
  await env.startWorker();
});
afterAll(async () => { await env?.stop(); });

const describeCalls = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([action]) => action.startsWith('Describe')));
const passesOf = (region: string) => env.temporal.client.workflow.getHandle(regionWorkflowId(region)).query(inventoryPassesQuery);

interface Boundary { passes: number; counts: Record<string, number> }

/**
 * The pass count as soon as it exceeds `after`, with the region's calls counted so far. The
 * count goes up right after a pass's last call and the loop then sleeps a whole interval, so
 * read at once, the calls belong exactly to the passes counted.
 */
async function boundary(region: string, after: number): Promise<Boundary> {
  return eventually(async () => {
    const passes = await passesOf(region);
    return passes > after && { passes, counts: env.ec2Proxy.counts(region) };
  }, `inventory pass ${after + 1} in ${region}`, 60_000, 25);
}

interface PerPass { passes: number; calls: Record<string, number>; perPass: Record<string, number> }

async function measure(region: string): Promise<PerPass> {
  const start = await boundary(region, await passesOf(region));
  const end = await boundary(region, start.passes + PASSES - 1);
  const passes = end.passes - start.passes;
  const calls: Record<string, number> = {};
  for (const [action, n] of Object.entries(describeCalls(end.counts))) calls[action] = n - (start.counts[action] ?? 0);
  const perPass = Object.fromEntries(Object.entries(calls).map(([action, n]) => [action, n / passes]));
  return { passes, calls, perPass };
}

async function measureAll(): Promise<Record<string, PerPass>> {
  const results = await Promise.all(TEST_REGIONS.map(measure));
  return Object.fromEntries(TEST_REGIONS.map((r, i) => [r, results[i]!]));
}

/** Iterations finished per worker type, from the loops' own records. */
async function iterations(): Promise<Map<string, number>> {
  const rows = await env.db.workerTypeStatus.findMany({ select: { workerType: true, iteration: true } });
  return new Map(rows.map((r) => [r.workerType, r.iteration]));
}

async function createWorkerTypes(names: string[]): Promise<void> {
  const repository = createWorkerTypeRepository(env.db);
  for (const name of names) {
    const outcome = await repository.create(name, workerTypeDefinition() as unknown as WorkerTypeDefinition, new Date());
    expect(outcome.outcome).toBe('created');
  }
  await reconcileLoops(env.workflows, env.db, env.config.allowedRegions, env.logger);
  await eventually(async () => {
    const done = await iterations();
    return names.every((n) => (done.get(n) ?? 0) >= 1);
  }, `a first iteration of ${names.length} worker type loop(s)`, 90_000, 500);
}

const names = Array.from({ length: MANY }, (_, i) => `describe-wt-${String(i).padStart(2, '0')}`);

/** Returns the describe calls per pass measured with the one loop. */
async function oneSweepPerRegion(): Promise<Record<string, PerPass>> {
  await createWorkerTypes(names.slice(0, 1));
  const single = await measureAll();
  for (const region of TEST_REGIONS) {
    const { passes, perPass } = single[region]!;
    expect(passes).toBeGreaterThanOrEqual(PASSES);
    // One DescribeInstances and one spot price read per pass (no instances: one page), up to
    // one call of a pass cut by a window edge.
    expect(Math.abs(perPass.DescribeInstances! - 1)).toBeLessThanOrEqual(1 / passes);
    expect(Math.abs(perPass.DescribeSpotPriceHistory! - 1)).toBeLessThanOrEqual(1 / passes);
  }
  return single;
}

async function sameCallsWithMany(single: Record<string, PerPass>): Promise<void> {
  expect(single).toBeDefined();
  await createWorkerTypes(names.slice(1));
  const before = await iterations();
  const many = await measureAll();
  const after = await iterations();
  // The loops were busy in the window: about one iteration each, at least MANY in all.
  const done = names.reduce((sum, n) => sum + (after.get(n) ?? 0) - (before.get(n) ?? 0), 0);
  expect(done).toBeGreaterThanOrEqual(MANY);
  for (const region of TEST_REGIONS) {
    const one = single[region]!;
    const fifty = many[region]!;
    expect(Object.keys(fifty.perPass).sort()).toEqual(Object.keys(one.perPass).sort());
    // Equal up to one call of a pass cut by a window edge: a ratio, not a wall-clock rate.
    const edge = 1 / Math.min(one.passes, fifty.passes);
    for (const [action, rate] of Object.entries(one.perPass)) {
      expect(Math.abs(fifty.perPass[action]! - rate)).toBeLessThanOrEqual(edge);
    }
  }
}

async function loopsMakeNoDescribeCall(): Promise<void> {
  // Stop the region loops between passes (right after one ends, while they sleep), so no
  // inventory activity is in flight; nothing restarts them (no reconciler in this process).
  await Promise.all(TEST_REGIONS.map(async (region) => {
    await boundary(region, await passesOf(region));
    await env.temporal.client.workflow.getHandle(regionWorkflowId(region)).terminate('describe-calls test: loops only');
  }));
  await env.ec2Proxy.settled();
  const before = { counts: env.ec2Proxy.counts(), iterations: await iterations() };
  await eventually(async () => {
    const now = await iterations();
    return names.every((n) => (now.get(n) ?? 0) >= (before.iterations.get(n) ?? 0) + 2);
  }, `two more iterations of all ${MANY} loops`, 90_000, 500);
  const after = env.ec2Proxy.counts();
  const calls = Object.fromEntries(Object.entries(after).map(([a, n]) => [a, n - (before.counts[a] ?? 0)]).filter(([, n]) => n !== 0));
  // With nothing to launch or terminate, the loops make no EC2 call at all.
  expect(calls).toEqual({});
}

test('describe calls grow with regions, not with worker types', async () => {
  const single = await step('with one worker type, each inventory pass makes one describe sweep per region', oneSweepPerRegion);
  await step(`with ${MANY} worker types, the describe calls per pass are the same`, () => sameCallsWithMany(single));
  await step('the worker type loops themselves make no EC2 describe call', loopsMakeNoDescribeCall);
});
