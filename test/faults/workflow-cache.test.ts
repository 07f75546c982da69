// WORKFLOW_CACHE_SIZE reaches the Temporal worker, and a worker whose cache cannot hold every
// loop says so at each reconcile pass: with a cache of 3 and the 2 region loops there is no
// warning; two worker types later there are 4 loops and the warning names both numbers.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_REGIONS } from '../support/environment';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { startTestTemporal } from '../support/temporal';
import { startFaultStack, type FaultStack } from './stack';

jest.setTimeout(180_000);

let temporal: TestWorkflowEnvironment;
let database: TestDatabase;
let stack: FaultStack;

beforeAll(async () => {
  [temporal, database] = await Promise.all([startTestTemporal(), createTestDatabase()]);
  stack = await startFaultStack({
    DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, WORKFLOW_CACHE_SIZE: '3', RECONCILE_INTERVAL: '1',
  });
});

afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
  await database?.drop();
});

interface Line { level?: number; msg?: string; loops?: number; cacheSize?: number; workerTypes?: number }
const lines = (): Line[] => stack.logs.map((l) => JSON.parse(l) as Line);
const warnings = () => lines().filter((l) => l.msg?.includes('loops but this worker caches'));

test('a cache smaller than the loops is reported with the configured size; one that holds them is not', async () => {
  expect(TEST_REGIONS).toHaveLength(2);
  await stack.startWorker();
  // Passes over the 2 region loops alone (worker types 0): they fit in 3.
  const passes = () => lines().filter((l) => l.msg === 'workflow loops reconciled' && l.workerTypes === 0).length;
  await eventually(async () => passes() >= 2, 'two reconcile passes over the region loops alone');
  expect(warnings()).toEqual([]);

  const api = await stack.startApi();
  for (const name of ['cache-a', 'cache-b']) await api.client().createWorkerType(name, workerTypeDefinition());
  await eventually(async () => warnings().length > 0, 'the cache warning');
  const [warning] = warnings();
  expect(warning).toMatchObject({ loops: 4, cacheSize: 3 });
  expect(warning!.msg).toContain('4 loops but this worker caches 3 workflows');
  expect(warning!.msg).toContain('at least 2 workers');
});
