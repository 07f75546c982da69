// The writes of one region inventory pass on a real PostgreSQL: a fixed number of statements
// whatever the number of instances, and only the rows that changed. EC2 is the strict
// in-process fake (moto is too slow at these sizes), under the real gateway.
import { createInventoryScenario, type InventoryScenario, type PassMeasure } from '../support/inventory-scenario';
import { createTestDatabase, type TestDatabase } from '../support/database';

const SIZES = [10, 1000] as const;

interface Run { first: PassMeasure; unchanged: PassMeasure; changed: PassMeasure; scenario: InventoryScenario }
const runs = new Map<number, Run>();
const databases: TestDatabase[] = [];

/** First pass (all new), a pass over the same EC2, then one after a tenth of the instances terminated. */
async function measure(size: number): Promise<Run> {
  const database = await createTestDatabase();
  databases.push(database);
  const scenario = await createInventoryScenario(database.url, size);
  const first = await scenario.pass();
  const unchanged = await scenario.pass();
  for (const id of scenario.instanceIds.slice(0, size / 10)) scenario.fake.get(id)!.state = 'terminated';
  const changed = await scenario.pass();
  return { first, unchanged, changed, scenario };
}

beforeAll(async () => {
  for (const size of SIZES) runs.set(size, await measure(size));
}, 120_000);

afterAll(async () => {
  for (const run of runs.values()) await run.scenario.close();
  for (const d of databases) await d.drop();
});

const at = (size: number): Run => runs.get(size)!;

test.each(['first', 'unchanged', 'changed'] as const)('the %s pass sends as many statements at 10 as at 1,000 instances', (pass) => {
  expect(at(10)[pass].statements).toBe(at(1000)[pass].statements);
  expect(at(10)[pass].statements).toBeGreaterThan(0);
});

test.each(SIZES)('the first pass over %i instances writes every row it sees, adopts, writes off and reaps', (size) => {
  const extra = Math.max(1, size / 100);
  const { first } = at(size);
  // Sighted rows, adopted instances, rows written off; the rogue instances have no row.
  expect(first.rowsWritten).toBe(size + 2 * extra);
  expect(first.summary).toMatchObject({ seen: size + 2 * extra, updated: size, adopted: extra, vanished: extra, reaped: { rogue: extra } });
  expect(at(size).scenario.fake.calls.TerminateInstancesCommand).toBe(1);
});

test.each(SIZES)('a pass over %i unchanged instances writes no instance row', (size) => {
  const { unchanged, first } = at(size);
  expect(unchanged.rowsWritten).toBe(0);
  expect(unchanged.summary).toMatchObject({ updated: 0, adopted: 0, vanished: 0, reaped: {} });
  // Without writes the pass needs no transaction: fewer statements than the first.
  expect(unchanged.statements).toBeLessThan(first.statements);
});

test.each(SIZES)('a pass after a tenth of %i instances terminated writes those rows only', (size) => {
  const { changed } = at(size);
  expect(changed.rowsWritten).toBe(size / 10);
  expect(changed.summary).toMatchObject({ updated: size / 10, adopted: 0, vanished: 0 });
});
