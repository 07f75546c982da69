// The loops' Temporal histories stay small whatever a definition holds: activities hand the
// workflow only what decisions read (planningView), never launch specs, user data or secrets.
// A loop that cannot complete a pass is reported in `state` and backendStatus, and the report
// clears at its next good iteration.
import { reconcileLoops } from '../../src/worker/worker';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';

jest.setTimeout(180_000);

let h: ApiHarness;
/**
 * Bytes (as the JSON of fetchHistory, base64 payloads included) an idle iteration may add to a
 * loop's history, whatever the definition's size; about 13 kB are seen. The 14 kB of user data
 * below would add about 19 kB more if the observation carried the definition.
 */
const MAX_BYTES_PER_ITERATION = 16_000;

beforeAll(async () => {
  h = await startApiHarness({ ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  await h.env.startWorker();
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});
afterAll(async () => { await h?.stop(); });

const iterationOf = async (wt: string) => ((await h.provisioner().state(wt)).lastIteration as { iteration: number } | null)?.iteration ?? 0;
const historyBytes = async (wt: string) =>
  JSON.stringify(await h.env.temporal.client.workflow.getHandle(`worker-type/${wt}`).fetchHistory()).length;

/** Average history growth per iteration over at least `iterations` iterations. */
async function growthPerIteration(wt: string, iterations: number): Promise<number> {
  await eventually(async () => (await iterationOf(wt)) >= 2, `${wt} iterating`);
  const [i0, b0] = [await iterationOf(wt), await historyBytes(wt)];
  await eventually(async () => (await iterationOf(wt)) >= i0 + iterations, `${iterations} more iterations of ${wt}`, 60_000);
  const [i1, b1] = [await iterationOf(wt), await historyBytes(wt)];
  return (b1 - b0) / (i1 - i0);
}

test('an idle iteration adds the same few bytes to the history for a tiny and for the largest user data', async () => {
  // Just under EC2's 16384 bytes once the provisioner's own fields are added.
  const big = { blob: 'x'.repeat(14_000) };
  await h.provisioner().createWorkerType('payload-small', workerTypeDefinition({ userData: {} }));
  await h.provisioner().createWorkerType('payload-big', workerTypeDefinition({ userData: big }));
  const [small, large] = await Promise.all([growthPerIteration('payload-small', 5), growthPerIteration('payload-big', 5)]);
  process.stdout.write(`\nHistory growth per idle iteration: ${small.toFixed(0)} B (no user data), ${large.toFixed(0)} B (14 kB of user data)\n`);
  expect(large).toBeLessThan(MAX_BYTES_PER_ITERATION);
  expect(Math.abs(large - small)).toBeLessThan(1_000);
});

test('a loop that cannot complete a pass is reported in state and backendStatus, and recovers', async () => {
  const wt = 'payload-broken';
  await h.provisioner().createWorkerType(wt, workerTypeDefinition());
  await eventually(async () => (await iterationOf(wt)) >= 1, 'a first iteration');
  // A stored definition the loop cannot read (as a bad manual edit or a bad migration would leave it).
  const { regions } = await h.db.workerType.findUniqueOrThrow({ where: { name: wt }, select: { regions: true } });
  await h.db.$executeRaw`UPDATE "WorkerType" SET regions = '"broken"'::jsonb WHERE name = ${wt}`;
  const failed = await eventually(async () => {
    const state = await h.provisioner().state(wt);
    return state.loopError && state;
  }, 'the loop failure in state', 90_000);
  expect(failed.loopError).toEqual({ message: expect.stringContaining('observation failed'), at: expect.any(String) });
  const status = await h.provisioner().backendStatus();
  expect(status.status).not.toBe('healthy');
  expect(status.loops).toMatchObject({ healthy: false, detail: expect.stringContaining(wt) });

  await h.db.$executeRaw`UPDATE "WorkerType" SET regions = ${JSON.stringify(regions)}::jsonb WHERE name = ${wt}`;
  await eventually(async () => (await h.provisioner().state(wt)).loopError === null, 'the report to clear', 60_000);
  expect((await h.provisioner().backendStatus()).loops).toMatchObject({ healthy: true });
});
