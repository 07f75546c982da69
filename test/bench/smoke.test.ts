// A smoke run of every benchmark of bench/benchmarks.ts: seconds at tiny sizes, on the
// PostgreSQL of this jest run. It checks that the benchmark runs to the end and prints
// exactly its figures, in order; it judges no figure (those are for `npm run bench`).
import { BENCHMARKS } from '../../bench/benchmarks';
import { runTsx } from '../support/run-tsx';

/** Figure lines are `<name>: <value>...` (bench/support/report.ts); notes start with `#`. */
function figureNames(stdout: string): string[] {
  return stdout.split('\n').flatMap((line) => /^([a-zA-Z0-9][a-zA-Z0-9-]*): /.exec(line)?.[1] ?? []);
}

test('figure lines are told apart from notes and other output', () => {
  expect(figureNames('# note: not a figure\nping-p50-ratio: 1.5  (x)\n  indented: no\nnon-2xx: none\n')).toEqual(['ping-p50-ratio', 'non-2xx']);
});

test.each(BENCHMARKS.map((b) => [b.name, b] as const))('%s runs in smoke mode and prints its figures', async (_name, bench) => {
  const run = await runTsx(`bench/${bench.file}`, ['--smoke']);
  if (run.code !== 0) throw new Error(`exit code ${run.code}\n${run.stdout}\n${run.stderr}`);
  expect(figureNames(run.stdout)).toEqual([...bench.figures]);
}, 150_000);
