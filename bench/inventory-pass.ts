// Benchmark inventory-pass ("flat inventory cost"): what one region inventory pass costs the
// database at 100, 1,000 and 10,000 instances. The real refreshRegion activity runs against
// PostgreSQL, with EC2 played by a strict in-process fake under the real gateway (moto is
// too slow at these sizes). Per size: a first pass (every row new), a pass over the same EC2
// (nothing changed) and one after a tenth of the instances terminated. Figures are counts
// (statements, rows written) and ratios against references of the same run: one trivial
// statement, the smallest size, and the per-row way of writing sightings. See README.md.
import { createInventoryScenario, type PassMeasure } from '../test/support/inventory-scenario';
import { withAdminClient } from '../test/support/database';
import { createBenchDatabase } from './support/database';
import { FIGURES, PASSES, type PassKind } from './inventory-pass/figures';
import { SMOKE } from './support/options';
import { figure, ms, note, ratio } from './support/report';

const SIZES = SMOKE ? [10, 100] : [100, 1_000, 10_000];
/** Runs of the trivial statement whose median is the reference. */
const TRIVIAL_RUNS = SMOKE ? 10 : 200;
/** Rows the per-row reference writes at most (10,000 single UPDATEs would only repeat 1,000). */
const ROW_BY_ROW_MAX = SMOKE ? 50 : 1_000;
/** Unchanged passes per size, the median reported: the one pass that can be repeated as it is. */
const UNCHANGED_RUNS = SMOKE ? 2 : 5;
/** A run at this size comes first and is not reported: it warms the process and the server. */
const WARMUP_SIZE = 10;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface SizeRun { size: number; passes: Record<PassKind, PassMeasure>; trivialMs: number; rowByRowMsPerRow: number }

async function measureSize(url: string, size: number): Promise<SizeRun> {
  const scenario = await createInventoryScenario(url, size);
  try {
    const before = await scenario.trivialStatementMs(TRIVIAL_RUNS);
    const first = await scenario.pass();
    const repeated: PassMeasure[] = [];
    for (let i = 0; i < UNCHANGED_RUNS; i++) repeated.push(await scenario.pass());
    const unchanged = repeated.find((p) => p.dbMs === median(repeated.map((r) => r.dbMs)))!;
    for (const id of scenario.instanceIds.slice(0, Math.ceil(size / 10))) scenario.fake.get(id)!.state = 'terminated';
    const changed = await scenario.pass();
    const sample = Math.min(size, ROW_BY_ROW_MAX);
    const rowByRowMsPerRow = (await scenario.rowByRowMs(sample)) / sample;
    // The reference around the passes, so a change of load during the size moves both.
    const trivialMs = (before + await scenario.trivialStatementMs(TRIVIAL_RUNS)) / 2;
    return { size, passes: { first, unchanged, changed }, trivialMs, rowByRowMsPerRow };
  } finally {
    await scenario.close();
  }
}

const perSize = (runs: SizeRun[], value: (r: SizeRun) => string | number): string => runs.map((r) => `${r.size}=${value(r)}`).join(', ');

function printFigures(runs: SizeRun[]): void {
  for (const p of PASSES) figure(FIGURES.statements[p], perSize(runs, (r) => r.passes[p].statements));
  for (const p of PASSES) figure(FIGURES.rowsWritten[p], perSize(runs, (r) => r.passes[p].rowsWritten));
  for (const p of PASSES) {
    figure(FIGURES.dbTime[p], perSize(runs, (r) => ratio(r.passes[p].dbMs, r.trivialMs)),
      `database time / one trivial statement; ${perSize(runs, (r) => `${ms(r.passes[p].dbMs)} / ${ms(r.trivialMs)}`)}; whole pass ${perSize(runs, (r) => ms(r.passes[p].wallMs))}`);
  }
  const smallest = runs[0]!;
  figure(FIGURES.dbTimeGrowth, perSize(runs, (r) => ratio(r.passes.first.dbMs, smallest.passes.first.dbMs)),
    `first pass database time / that at ${smallest.size} instances`);
  figure(FIGURES.rowByRow, perSize(runs, (r) => ratio(r.rowByRowMsPerRow * r.size, r.passes.first.dbMs)),
    `one UPDATE per row (${perSize(runs, (r) => `${r.rowByRowMsPerRow.toFixed(2)} ms/row`)}, measured on up to ${ROW_BY_ROW_MAX} rows) × instances / first pass database time`);
}

async function main(): Promise<void> {
  note(`${SMOKE ? 'smoke run: figures mean nothing; ' : ''}sizes ${SIZES.join(', ')} instances in one region, plus 1 % each `
    + 'adopted, rogue (reaped) and written off; EC2 is an in-process fake, the database a real PostgreSQL');
  note(`per size: the unchanged pass is the median of ${UNCHANGED_RUNS}; the trivial statement (SELECT 1) the mean of its medians `
    + `of ${TRIVIAL_RUNS} runs before and after the passes; a run at ${WARMUP_SIZE} instances warms up first and is not reported`);
  note('statements are counted with Prisma query events (they report the COMMIT of a transaction, not its BEGIN); database time is their summed duration');
  const db = await createBenchDatabase((msg) => note(msg));
  process.once('SIGINT', () => { void db.drop().finally(() => process.exit(130)); });
  try {
    const runs: SizeRun[] = [];
    for (const size of [WARMUP_SIZE, ...SIZES]) {
      await withAdminClient(db.url, (c) => c.query('TRUNCATE "Instance", "WorkerType", "RegionStatus" CASCADE'));
      runs.push(await measureSize(db.url, size));
    }
    printFigures(runs.slice(1));
  } finally {
    await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`inventory-pass failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
