// The one worker of a run: the real worker role as a process of its own, as the image runs
// it (`node dist-bench/src/main.js worker` on the prebuilt workflow bundle, see
// ../support/built-service.ts), so that its CPU time is its alone and is production's. It
// starts every loop of the database's worker types (reconcileLoops) before it reports ready.
// With a profile folder it runs under `--cpu-prof`, written when it exits.
//
// Contract: stop() asks it to stop as production does (SIGTERM: the profile is written),
// SIGKILLs it after STOP_GRACE_MS, and resolves once it is gone; it never rejects.
import { killWorkerChildren, startWorkerChild, type WorkerChild } from '../../test/support/worker-child-process';

const STOP_GRACE_MS = 30_000;
/**
 * The worker starts its loops one after another while it already runs their first
 * iterations: on a busy machine 1,000 take minutes.
 */
const READY_TIMEOUT_MS = 10 * 60_000;

export interface BenchWorker {
  pid: number;
  child: WorkerChild;
  stop(): Promise<void>;
}

export interface BenchWorkerOptions {
  intervalMs: number;
  cpuProfileDir?: string;
  workflowCacheSize?: number;
}

export async function startBenchWorker(
  stackEnv: Record<string, string>, options: BenchWorkerOptions, built: { mainJs: string },
): Promise<BenchWorker> {
  const child = await startWorkerChild({
    PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...stackEnv,
    ITERATION_INTERVAL: String(options.intervalMs / 1000),
    // Free ports, not the production defaults: the machine may run other workers.
    WORKER_METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0', METRICS_HOST: '127.0.0.1',
    ...(options.workflowCacheSize === undefined ? {} : { WORKFLOW_CACHE_SIZE: String(options.workflowCacheSize) }),
    ...(options.cpuProfileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${options.cpuProfileDir}` } : {}),
  }, READY_TIMEOUT_MS, { built });
  return {
    pid: child.proc.pid!, child,
    stop: async () => {
      const timer = setTimeout(() => void killWorkerChildren(), STOP_GRACE_MS);
      child.proc.kill('SIGTERM');
      await child.exited;
      clearTimeout(timer);
    },
  };
}
