// Running loops follow the worker's configuration: a worker restarted with a shorter
// ITERATION_INTERVAL and a newly allowed region changes every existing loop at its next
// iteration (the start input of a loop is only its first value, never frozen for ever).
import { reconcileLoops } from '../../src/worker/worker';
import { createWorkflowControl } from '../../src/temporal/workflow-control';
import type { RunningWorker } from '../../src/worker/worker';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';

jest.setTimeout(180_000);

const WT = 'follows-config';
let h: ApiHarness;
let worker: RunningWorker;

interface Report { iteration: number; at: string; launched: Array<{ region: string }> }
const lastIteration = async (): Promise<Report | null> => (await h.provisioner().state(WT)).lastIteration as Report | null;

beforeAll(async () => {
  // The API (which starts the loop, with its own configuration as the start input) allows both
  // regions; the worker allows only us-east-1 at first: the loop must follow the worker.
  h = await startApiHarness({ ITERATION_INTERVAL: '6', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  h.env.ec2Proxy.setSpotPrices(['a', 'b', 'c'].flatMap((z) => [
    { region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.xlarge', price: 0.1 },
    { region: 'us-east-1', zone: `us-east-1${z}`, instanceType: 'c5.xlarge', price: 0.4 },
  ]));
  worker = await h.env.startWorker({ ALLOWED_REGIONS: 'us-east-1' });
  await reconcileLoops(h.env.workflows, h.db, ['us-east-1'], h.env.logger);
});
afterAll(async () => { await h?.stop(); });

/** Iterations completed in `ms`, counted from the recorded reports. */
async function iterationsDuring(ms: number): Promise<number> {
  const first = (await lastIteration())?.iteration ?? 0;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ((await lastIteration())?.iteration ?? 0) - first;
}

test('a loop started under one configuration follows the next one after a restart', async () => {
  const oneType = workerTypeDefinition({ instanceTypes: [(workerTypeDefinition().instanceTypes as unknown[])[0]] });
  await h.provisioner().createWorkerType(WT, oneType);
  h.env.queue.setPending(h.config.provisionerId, WT, 1);
  const first = await eventually(async () => { const r = await lastIteration(); return r && r.launched.length > 0 && r; }, 'a first launch', 60_000);
  expect(first.launched.map((l) => l.region)).toEqual(['us-east-1']); // us-west-2 is cheaper, but the worker does not allow it
  const slow = await iterationsDuring(6_000);
  expect(slow).toBeLessThanOrEqual(2);

  await worker.stop();
  const restarted = { ITERATION_INTERVAL: '0.5', ALLOWED_REGIONS: 'us-east-1,us-west-2' };
  worker = await h.env.startWorker(restarted);
  // The restarted worker's reconciler starts the loop of the newly allowed region, as the worker process does.
  const control = createWorkflowControl(h.env.temporal.client, { ...h.config.timing, allowedRegions: ['us-east-1', 'us-west-2'] });
  await reconcileLoops(control, h.db, ['us-east-1', 'us-west-2'], h.env.logger);
  await eventually(async () => (await h.db.regionStatus.findUnique({ where: { region: 'us-west-2' } }))?.lastSuccessAt, 'the us-west-2 inventory');
  // The first iteration after the restart may still be waiting out the old interval.
  await eventually(async () => (await iterationsDuring(2_000)) >= 2, 'iterations at the new interval', 30_000, 0);
  const fast = await iterationsDuring(6_000);
  expect(fast).toBeGreaterThanOrEqual(4); // at most 2 at the old interval

  h.env.queue.setPending(h.config.provisionerId, WT, 2);
  const next = await eventually(async () => {
    const r = await lastIteration();
    return r && r.launched.length > 0 && r.iteration > first.iteration && r;
  }, 'a launch after the restart', 30_000);
  expect(next.launched.map((l) => l.region)).toEqual(['us-west-2']);
  process.stdout.write(`\nIterations in 6 s: ${slow} at ITERATION_INTERVAL=6, ${fast} after a restart with 0.5; `
    + `launch regions ${first.launched[0]!.region} then ${next.launched[0]!.region}\n`);
});
