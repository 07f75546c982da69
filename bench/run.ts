// `npm run bench [-- <name>...] [--smoke] [--<option>=<value>...]`: runs the named benchmarks (default: all of
// benchmarks.ts) one after another, each in a process of its own so that none inherits
// another's heap or warm caches. Exits 2 on an unknown name, 1 when any benchmark failed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BENCHMARKS } from './benchmarks';
import { PROJECT_ROOT } from './support/child-process';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const names = args.filter((a) => !a.startsWith('--'));
/** `--smoke` and every `--name=value` go to each benchmark run (loop-scale reads its size from them). */
const options = args.filter((a) => a.startsWith('--'));
const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}

const chosen = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
const failed: string[] = [];
for (const bench of chosen) {
  process.stdout.write(`\n== ${bench.name}${smoke ? ' (smoke)' : ''}: ${bench.measures}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, bench.file), ...options], {
    cwd: PROJECT_ROOT, stdio: 'inherit',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env },
  });
  if (result.status !== 0) failed.push(bench.name);
}
if (failed.length > 0) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exit(1);
}
