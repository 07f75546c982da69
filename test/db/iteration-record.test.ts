// The iteration record on a real PostgreSQL: an iteration that repeats the stored report
// writes no row until the stored one is maxAge old; anything it changes is written at once.
import { createPrisma, type PrismaClient } from '../../src/db/client';
import { createWorkerTypeStatusRepository, type WorkerTypeStatusRepository } from '../../src/db/worker-type-status';
import type { IterationReport } from '../../src/domain/iteration-report';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let db: PrismaClient;
let statuses: WorkerTypeStatusRepository;
const MAX_AGE_MS = 300_000;
const T0 = Date.parse('2026-12-01T10:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma(database.url);
  statuses = createWorkerTypeStatusRepository(db);
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

/** An idle pass of `workerType`: iteration n, 30 s after the previous one. */
function idle(workerType: string, n: number, changes: Partial<IterationReport> = {}): IterationReport {
  const at = new Date(T0 + n * 30_000).toISOString();
  return {
    workerType, iteration: n, at, startedAt: at, plannedAt: at, pendingTasks: 0, queueError: null,
    capacity: { running: 2, pending: 0, requested: 0 }, change: 0, launched: [], launchFailures: [], terminated: [], notes: [],
    ...changes,
  };
}

/** The stored iteration and the row's version (xmin changes with every write of the row). */
async function stored(workerType: string): Promise<{ iteration: number; version: string }> {
  const [row] = await db.$queryRaw<{ iteration: number; version: string }[]>`
    SELECT "iteration", xmin::text AS version FROM "WorkerTypeStatus" WHERE "workerType" = ${workerType}`;
  return row!;
}

test('repeated idle passes write nothing until the stored report is maxAge old', async () => {
  expect(await statuses.recordIteration(idle('idle', 1), null, MAX_AGE_MS)).toBe(true);
  const first = await stored('idle');
  for (let n = 2; n <= 10; n++) expect(await statuses.recordIteration(idle('idle', n), null, MAX_AGE_MS)).toBe(false);
  expect(await stored('idle')).toEqual(first);
  // Iteration 11 is 300 s after iteration 1: the record is refreshed.
  expect(await statuses.recordIteration(idle('idle', 11), null, MAX_AGE_MS)).toBe(true);
  expect((await stored('idle')).iteration).toBe(11);
});

test.each<[string, Partial<IterationReport>]>([
  ['new demand', { pendingTasks: 3 }],
  ['a Queue error', { pendingTasks: null, queueError: 'the Queue did not answer' }],
  ['other capacity', { capacity: { running: 1, pending: 0, requested: 0 } }],
  ['a termination', { terminated: [{ instanceId: 'i-1', reason: 'excess capacity' }] }],
  ['a note', { notes: ['no offering under maxPrice'] }],
])('a pass with %s is written at once', async (name, changes) => {
  const wt = `changed-${name.replace(/\W+/g, '-')}`;
  await statuses.recordIteration(idle(wt, 1), null, MAX_AGE_MS);
  expect(await statuses.recordIteration(idle(wt, 2, changes), null, MAX_AGE_MS)).toBe(true);
  expect(await stored(wt)).toMatchObject({ iteration: 2 });
  // And going back to idle is a change too.
  expect(await statuses.recordIteration(idle(wt, 3), null, MAX_AGE_MS)).toBe(true);
});

test('a pass that changes the launch error is written, and stores it', async () => {
  await statuses.recordIteration(idle('launch-error', 1), null, MAX_AGE_MS);
  const at = idle('launch-error', 2).at;
  expect(await statuses.recordIteration(idle('launch-error', 2), { lastLaunchError: 'InvalidAMIID.NotFound: gone', lastErrorAt: at }, MAX_AGE_MS)).toBe(true);
  const row = await db.workerTypeStatus.findUniqueOrThrow({ where: { workerType: 'launch-error' } });
  expect(row).toMatchObject({ iteration: 2, lastLaunchError: 'InvalidAMIID.NotFound: gone', lastErrorAt: new Date(at) });
  // A later unchanged pass keeps it.
  expect(await statuses.recordIteration(idle('launch-error', 3), null, 0)).toBe(true);
  expect(await db.workerTypeStatus.findUniqueOrThrow({ where: { workerType: 'launch-error' } })).toMatchObject({ iteration: 3, lastLaunchError: 'InvalidAMIID.NotFound: gone' });
});

test("an unchanged pass after a loop failure is written, clearing the failure", async () => {
  await statuses.recordIteration(idle('recovered', 1), null, MAX_AGE_MS);
  await statuses.recordLoopFailure('recovered', 'observation failed: the database did not answer', new Date(T0 + 40_000));
  expect(await statuses.recordIteration(idle('recovered', 2), null, MAX_AGE_MS)).toBe(true);
  expect(await db.workerTypeStatus.findUniqueOrThrow({ where: { workerType: 'recovered' } })).toMatchObject({ iteration: 2, loopError: null, loopErrorAt: null });
});

test('maxAge 0 writes every pass, and the stored report is the whole report', async () => {
  for (let n = 1; n <= 3; n++) expect(await statuses.recordIteration(idle('always', n), null, 0)).toBe(true);
  const row = await db.workerTypeStatus.findUniqueOrThrow({ where: { workerType: 'always' } });
  expect(row).toMatchObject({ iteration: 3, lastIterationAt: new Date(idle('always', 3).at), pendingTasks: 0, queueError: null, report: idle('always', 3) });
});
