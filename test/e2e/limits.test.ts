// Limits under load: never above maxCapacity (counting requested launches) during bursts and
// concurrent updates, never above maxPrice, on-demand only when allowed, and EC2 launch
// failures classified (capacity: next-best offering; invalid: reported, not retried).
import { reconcileLoops } from '../../src/worker/worker';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { ownedInstances } from '../support/moto-inspect';

jest.setTimeout(180_000);
let h: ApiHarness;

const zones = ['a', 'b', 'c'];
function prices(spot: number, twoX = spot * 2) {
  return zones.flatMap((z) => [
    { region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.xlarge', price: spot },
    { region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.2xlarge', price: twoX },
  ]);
}
/** Built when called: the fixture AMIs are only known once the environment has started. */
const onlyWest = () => ({ regions: (workerTypeDefinition().regions as unknown[]).slice(0, 1) });

beforeAll(async () => {
  h = await startApiHarness({ ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  h.env.ec2Proxy.setSpotPrices(prices(0.1));
  await h.env.startWorker();
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});

/** Waits until the region loop has stored `price` for c5.xlarge and twice that for c5.2xlarge (prices are only fetched for types in use). */
const pricesAt = (price: number) => eventually(async () => {
  const rows = await h.db.spotPrice.findMany({ where: { region: 'us-west-2', instanceType: { in: ['c5.xlarge', 'c5.2xlarge'] } } });
  return rows.length === 2 * zones.length && rows.every((r) => r.price === (r.instanceType === 'c5.xlarge' ? price : 2 * price));
}, `spot price ${price} in the database`);
afterAll(async () => { await h?.stop(); });

/** Waits for an iteration of each worker type that started after this call: it plans with the prices stored now. */
async function freshIterations(...workerTypes: string[]): Promise<void> {
  const seen = await Promise.all(workerTypes.map(async (wt) => (await h.provisioner().state(wt)).lastIteration?.iteration ?? 0));
  await eventually(async () => {
    const now = await Promise.all(workerTypes.map(async (wt) => (await h.provisioner().state(wt)).lastIteration?.iteration ?? 0));
    return now.every((n, i) => n >= seen[i]! + 2);
  }, 'an iteration that observed the current prices');
}

async function live(workerType: string) {
  return (await ownedInstances(h.env.rawEc2('us-west-2'), h.config.provisionerId)).filter((i) => i.tags.WorkerType?.endsWith(`/${workerType}`));
}
async function ledgerCapacity(workerType: string): Promise<number> {
  const rows = await h.db.instance.findMany({ where: { workerType, state: { in: ['requested', 'pending', 'running'] } } });
  return rows.reduce((sum, r) => sum + r.capacity, 0);
}

test('a burst of pending tasks and concurrent updates never exceed maxCapacity', async () => {
  const wt = 'limit-burst';
  await h.provisioner().createWorkerType(wt, workerTypeDefinition({ maxCapacity: 5 }));
  h.env.queue.setPending(h.config.provisionerId, wt, 500);
  let highest = 0;
  const sampler = setInterval(() => void ledgerCapacity(wt).then((c) => { highest = Math.max(highest, c); }), 50);
  try {
    await Promise.all([1, 2, 3, 4, 5].map((i) => h.provisioner().updateWorkerType(wt, workerTypeDefinition({ maxCapacity: 5, description: `update ${i}` }))));
    await eventually(async () => (await ledgerCapacity(wt)) === 5, 'capacity at the ceiling');
    await new Promise((r) => setTimeout(r, 4000));
  } finally {
    clearInterval(sampler);
  }
  expect(highest).toBe(5);
  const instances = await live(wt);
  expect(instances.reduce((s, i) => s + (i.type === 'c5.2xlarge' ? 2 : 1), 0)).toBeLessThanOrEqual(5);
  h.env.queue.setPending(h.config.provisionerId, wt, 0);
  await h.provisioner().removeWorkerType(wt);
});

test('no offering above maxPrice per utility unit is ever launched', async () => {
  const wt = 'limit-price';
  await h.provisioner().createWorkerType(wt, workerTypeDefinition({ maxPrice: 0.05, ...onlyWest() }));
  await pricesAt(0.1);
  h.env.queue.setPending(h.config.provisionerId, wt, 3);
  const seen = await eventually(async () => (await h.provisioner().state(wt)).lastIteration?.iteration, 'an iteration');
  const state = await eventually(async () => {
    const s = await h.provisioner().state(wt);
    return s.lastIteration?.pendingTasks === 3 && s.lastIteration.iteration > seen + 1 && s;
  }, 'two iterations that saw the tasks with prices known');
  expect(state.lastIteration.notes.join(' ')).toContain('No eligible offering');
  expect(await live(wt)).toHaveLength(0);
  h.env.queue.setPending(h.config.provisionerId, wt, 0);
});

test('on-demand is used only when allowed and spot is too expensive', async () => {
  h.env.ec2Proxy.setSpotPrices(prices(0.1));
  // The Price List's on-demand prices (per utility unit 0.17, under maxPrice 0.2), fetched when the worker types are created.
  h.env.pricing.setPrices([
    { region: 'us-west-2', instanceType: 'c5.xlarge', usdPerHour: 0.17 }, { region: 'us-west-2', instanceType: 'c5.2xlarge', usdPerHour: 0.34 },
  ]);
  const denied = 'limit-no-ondemand';
  await h.provisioner().createWorkerType(denied, workerTypeDefinition({ maxPrice: 0.2, canUseOndemand: false, ...onlyWest() }));
  const allowed = 'limit-ondemand';
  await h.provisioner().createWorkerType(allowed, workerTypeDefinition({ maxPrice: 0.2, canUseOndemand: true, ...onlyWest() }));
  h.env.ec2Proxy.setSpotPrices(prices(0.3));
  await pricesAt(0.3);
  // Demand must first be seen by an iteration that observed the new prices, not one already under way.
  await freshIterations(denied, allowed);
  h.env.queue.setPending(h.config.provisionerId, denied, 2);
  h.env.queue.setPending(h.config.provisionerId, allowed, 2);
  const capacityOf = (l: { type: string }[]) => l.reduce((sum, i) => sum + (i.type === 'c5.2xlarge' ? 2 : 1), 0);
  const launched = await eventually(async () => { const l = await live(allowed); return capacityOf(l) === 2 && l; }, 'on-demand launches');
  expect(launched.every((i) => !i.spot)).toBe(true);
  expect(await live(denied)).toHaveLength(0);
  for (const wt of [denied, allowed]) h.env.queue.setPending(h.config.provisionerId, wt, 0);
  h.env.ec2Proxy.setSpotPrices(prices(0.1));
});

test('a capacity failure cools the offering down and the next-best is launched', async () => {
  const wt = 'limit-ice';
  await h.provisioner().createWorkerType(wt, workerTypeDefinition({ ...onlyWest() }));
  await pricesAt(0.1);
  h.env.ec2Proxy.injectFault({
    action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: Infinity,
    match: (p) => p.get('Placement.AvailabilityZone') === 'us-west-2a',
  });
  h.env.queue.setPending(h.config.provisionerId, wt, 2);
  const capacityOf = (l: { type: string }[]) => l.reduce((sum, i) => sum + (i.type === 'c5.2xlarge' ? 2 : 1), 0);
  const instances = await eventually(async () => { const l = await live(wt); return capacityOf(l) === 2 && l; }, 'capacity launched elsewhere');
  expect(instances.every((i) => i.zone !== 'us-west-2a')).toBe(true);
  const failures = await h.db.instance.count({ where: { workerType: wt, terminationReason: 'launch failed: InsufficientInstanceCapacity' } });
  expect(failures).toBeGreaterThanOrEqual(1);
  h.env.queue.setPending(h.config.provisionerId, wt, 0);
  h.env.ec2Proxy.reset();
  h.env.ec2Proxy.setSpotPrices(prices(0.1));
});

test('an invalid launch request is reported on the worker type and not retried', async () => {
  const wt = 'limit-invalid';
  h.env.ec2Proxy.injectFault({ action: 'RunInstances', code: 'InvalidParameterValue', message: 'Value for parameter x is invalid', times: 1 });
  const before = h.env.ec2Proxy.counts('us-west-2').RunInstances ?? 0;
  await h.provisioner().createWorkerType(wt, workerTypeDefinition({ ...onlyWest() }));
  h.env.queue.setPending(h.config.provisionerId, wt, 1);
  const state = await eventually(async () => { const s = await h.provisioner().state(wt); return s.lastLaunchError && s; }, 'the error on the worker type');
  expect(state.lastLaunchError).toContain('InvalidParameterValue');
  await eventually(async () => (await live(wt)).length === 1, 'a later iteration launches');
  const runCalls = (h.env.ec2Proxy.counts('us-west-2').RunInstances ?? 0) - before;
  expect(runCalls).toBe(2);
  h.env.queue.setPending(h.config.provisionerId, wt, 0);
});
