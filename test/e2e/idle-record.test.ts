// An idle loop on the real stack writes its iteration record once, not every iteration: the
// reports of idle passes say the same (times and counter aside), so the database row stays
// while the loop's own query (and its UI details) follow every pass. New demand
// is written at the next pass.
import { reconcileLoops } from '../../src/worker/worker';
import { workerTypeWorkflowId } from '../../src/temporal/names';
import { lastIterationQuery } from '../../workflows/messages';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';

jest.setTimeout(180_000);

const WT = 'idle-record';
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ ITERATION_INTERVAL: '0.5', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  await h.env.startWorker({ ITERATION_RECORD_MAX_AGE: '300' });
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});
afterAll(async () => { await h?.stop(); });

const live = async () => (await h.env.temporal.client.workflow.getHandle(workerTypeWorkflowId(WT)).query(lastIterationQuery))?.iteration ?? 0;
const storedRow = () => h.db.workerTypeStatus.findUnique({ where: { workerType: WT } });

test('idle iterations leave the stored record alone; demand is stored at the next iteration', async () => {
  await h.provisioner().createWorkerType(WT, workerTypeDefinition({ minCapacity: 0 }));
  const firstStored = await eventually(async () => (await storedRow())?.iteration, 'a stored iteration', 60_000);
  const base = await live();
  await eventually(async () => (await live()) >= base + 8, 'eight more iterations', 60_000, 100);
  const row = await storedRow();
  // The first passes may differ (the declaration to the Queue, the first prices): a few writes, then none.
  expect(row!.iteration).toBeLessThanOrEqual(firstStored + 2);
  expect(await live()).toBeGreaterThan(row!.iteration + 5);

  h.env.queue.setPending(h.config.provisionerId, WT, 0); // unchanged: still nothing to write
  h.env.queue.setPending(h.config.provisionerId, WT, 2);
  const written = await eventually(async () => { const r = await storedRow(); return r && r.pendingTasks === 2 && r; }, 'the demand stored', 30_000, 100);
  expect(written.iteration).toBeGreaterThan(row!.iteration);
  expect((await h.provisioner().state(WT)).lastIteration).toMatchObject({ iteration: written.iteration, pendingTasks: 2 });
});
