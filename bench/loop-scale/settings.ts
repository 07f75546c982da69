// The size and timing of a loop-scale run: defaults for a full run (1,000 worker types at the
// production interval, 3 minutes measured) or a smoke run (5 at 1 s, 10 s measured), each
// overridable by environment variable or `--name=value` argument (the argument wins).
import { SMOKE } from '../support/options';

export interface LoopScaleSettings {
  workerTypes: number;
  /** ITERATION_INTERVAL of the worker, ms. */
  intervalMs: number;
  /** Wait between the loops' start and the window, ms: the first iterations bunch up. */
  settleMs: number;
  /** How long iterations and CPU are measured, ms. */
  windowMs: number;
  /** A folder for a CPU profile of the worker (`--cpu-prof`), or undefined for none. */
  cpuProfileDir?: string;
  /** WORKFLOW_CACHE_SIZE of the worker, or undefined for the SDK's default. */
  workflowCacheSize?: number;
}

function option(name: string, env: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : process.env[env] || undefined;
}

function positive(name: string, env: string, fallback: number): number {
  const raw = option(name, env);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} / ${env} must be a positive number (got "${raw}")`);
  return value;
}

export function loopScaleSettings(): LoopScaleSettings {
  const intervalS = positive('interval', 'LOOP_SCALE_INTERVAL', SMOKE ? 1 : 30);
  return {
    workerTypes: Math.round(positive('worker-types', 'LOOP_SCALE_WORKER_TYPES', SMOKE ? 5 : 1_000)),
    intervalMs: intervalS * 1000,
    // One interval, as every loop has iterated once by then and the jitter has begun to spread them.
    settleMs: positive('settle', 'LOOP_SCALE_SETTLE', intervalS) * 1000,
    windowMs: positive('window', 'LOOP_SCALE_WINDOW', SMOKE ? 10 : 180) * 1000,
    cpuProfileDir: option('cpu-prof-dir', 'LOOP_SCALE_CPU_PROF_DIR'),
    workflowCacheSize: option('workflow-cache-size', 'LOOP_SCALE_WORKFLOW_CACHE_SIZE') === undefined
      ? undefined : Math.round(positive('workflow-cache-size', 'LOOP_SCALE_WORKFLOW_CACHE_SIZE', 0)),
  };
}
