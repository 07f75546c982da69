// The service as `npm run build` makes it and the image runs it (`node dist/src/main.js`, the
// prebuilt workflow bundle beside it), for benchmarks that measure a process's CPU: tsx's
// loader and the source maps it turns on are development costs production does not pay.
// Built into dist-bench/ (git-ignored), not dist/, so a build by a test running meanwhile is
// never overwritten half-way; inside the project, so the compiled files find node_modules.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './child-process';

const run = promisify(execFile);
const BUILD_TIMEOUT_MS = 5 * 60_000;

export const BENCH_DIST = path.join(PROJECT_ROOT, 'dist-bench');

/** Compiles the service and bundles its workflows into dist-bench/; resolves with the entry to run. */
export async function buildService(): Promise<{ mainJs: string }> {
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const options = { cwd: PROJECT_ROOT, timeout: BUILD_TIMEOUT_MS };
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', BENCH_DIST], options);
  await run(process.execPath, [path.join('scripts', 'bundle-workflows.js'), `--dist=${BENCH_DIST}`], options);
  return { mainJs: path.join(BENCH_DIST, 'src', 'main.js') };
}
