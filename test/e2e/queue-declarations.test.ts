// End to end: the real API and worker declare each worker type to the Queue (the local Queue
// server, which checks signature, scopes and body as the real one does), with its description
// and owner, on create and on update; a Queue outage is retried and never fails the API call.
import { reconcileLoops } from '../../src/worker/worker';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { step } from '../support/steps';

jest.setTimeout(300_000);
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
  await h.env.startWorker();
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});
afterAll(async () => { await h?.stop(); });

const declared = (workerType: string, description: string) => eventually(
  async () => h.env.queue.declarations().find((d) => d.workerType === workerType && d.description === description),
  `the Queue to hold "${description}" for ${workerType}`, 60_000,
);

async function createAndUpdate(): Promise<void> {
  const definition = workerTypeDefinition({ description: 'Builds the browser', owner: 'builds@example.com' });
  const before = Date.now();
  await h.provisioner().createWorkerType('declared-wt', definition);
  const first = await declared('declared-wt', 'Builds the browser\n\nOwner: builds@example.com');
  expect(first).toMatchObject({ provisionerId: h.config.provisionerId, stability: 'experimental' });
  const lifetime = Date.parse(first.expires) - before;
  expect(lifetime).toBeGreaterThanOrEqual(36 * 3_600_000);
  expect(lifetime).toBeLessThan(36 * 3_600_000 + 120_000);
  await h.provisioner().updateWorkerType('declared-wt', { ...definition, description: 'Builds it faster', owner: 'perf@example.com' });
  await declared('declared-wt', 'Builds it faster\n\nOwner: perf@example.com');
}

async function outageIsRetried(): Promise<void> {
  h.env.queue.failDeclarations(2);
  const started = Date.now();
  await expect(h.provisioner().createWorkerType('outage-wt', workerTypeDefinition({ description: 'Survives', owner: 'ops@example.com' })))
    .resolves.toMatchObject({ workerType: 'outage-wt' });
  expect(Date.now() - started).toBeLessThan(5_000); // the API never waits for the Queue
  await declared('outage-wt', 'Survives\n\nOwner: ops@example.com');
}

test('worker types are declared to the Queue', async () => {
  await step('create and update: the Queue sees the new description and owner', createAndUpdate);
  await step('a Queue outage is retried and never fails createWorkerType', outageIsRetried);
});
