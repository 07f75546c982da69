// Benchmark loop-scale ("many loops"): whether one worker keeps up with N idle worker types
// at the production interval while Temporal shares its machine. Real PostgreSQL, Temporal
// dev server and worker process; EC2, the Price List and the Queue (0 pending tasks) as
// local stand-ins. The loops start, settle for an interval, then a window is measured: the
// gaps between iterations from the workflows' histories, read afterwards, and the CPU time
// of the worker and of Temporal from /proc. Times are ratios to the configured interval,
// CPU a share of the machine. See README.md.
import { killWorkerChildren } from '../test/support/worker-child-process';
import { sampleCpu, shares, CORES, descendantsNamed } from './loop-scale/cpu';
import { FIGURES } from './loop-scale/figures';
import { gapFigures } from './loop-scale/gaps';
import { readIterations, type LoopIterations } from './loop-scale/iterations';
import { loopScaleSettings, type LoopScaleSettings } from './loop-scale/settings';
import { startStack, type Stack } from './loop-scale/stack';
import { startBenchWorker, type BenchWorker } from './loop-scale/worker';
import { buildService } from './support/built-service';
import { SMOKE } from './support/options';
import { counts, figure, note, ratio } from './support/report';
import { percentile } from './support/stats';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Measured {
  window: { start: number; end: number };
  workerShare: number;
  temporalShare: number;
  machineBusy: number;
  benchShare: number;
}

/** The temporal CLI this process started (the dev server); its CPU is Temporal's. */
function temporalPid(): number {
  const found = descendantsNamed(process.pid, 'temporal');
  if (found.length !== 1) throw new Error(`expected one temporal process under this one, found ${found.length}`);
  return found[0]!;
}

async function measureWindow(worker: BenchWorker, settings: LoopScaleSettings): Promise<Measured> {
  const pids = [worker.pid, temporalPid(), process.pid];
  const before = sampleCpu(pids);
  const start = Date.now();
  await sleep(settings.windowMs);
  const after = sampleCpu(pids);
  const { pids: [workerShare, temporalShare, benchShare], machineBusy } = shares(before, after);
  return { window: { start, end: Date.now() }, workerShare: workerShare!, temporalShare: temporalShare!, benchShare: benchShare!, machineBusy };
}

function printFigures(loops: LoopIterations[], m: Measured, settings: LoopScaleSettings): void {
  const g = gapFigures(loops.map((l) => l.times), m.window, settings.intervalMs);
  const interval = seconds(settings.intervalMs);
  const gap = (p: number) => percentile(g.gapRatios, p);
  for (const [name, p] of [[FIGURES.gapP50, 50], [FIGURES.gapP95, 95], [FIGURES.gapMax, 100]] as const) {
    figure(name, gap(p).toFixed(2), `gap ${seconds(gap(p) * settings.intervalMs)} / interval ${interval}; ${g.gapRatios.length} gaps`);
  }
  figure(FIGURES.skipped, g.skippedPerMinute.toFixed(2), `loops without an iteration in a minute of the window, per minute; most in one minute ${g.mostSkipped} of ${loops.length}`);
  figure(FIGURES.iterations, g.iterationsPerInterval.toFixed(3),
    `${g.iterations} iterations / (${loops.length} loops × ${ratio(m.window.end - m.window.start, settings.intervalMs)} intervals)`);
  const cpu = (share: number) => `${(share * CORES * (m.window.end - m.window.start) / 1000).toFixed(1)} CPU s over ${seconds(m.window.end - m.window.start)} × ${CORES} cores`;
  figure(FIGURES.workerCpu, m.workerShare.toFixed(3), cpu(m.workerShare));
  figure(FIGURES.temporalCpu, m.temporalShare.toFixed(3), cpu(m.temporalShare));
  const costs = loops.flatMap((l) => l.cost);
  const spread = (values: number[]) => `median over ${values.length} iterations; p95 ${percentile(values, 95)}, max ${percentile(values, 100)}`;
  const events = costs.map((c) => c.events);
  const tasks = costs.map((c) => c.workflowTasks);
  figure(FIGURES.eventsPerIteration, percentile(events, 50), spread(events));
  figure(FIGURES.tasksPerIteration, percentile(tasks, 50), spread(tasks));
}

function printNotes(stack: Stack, loops: LoopIterations[], m: Measured): void {
  note(`machine busy ${(m.machineBusy * 100).toFixed(0)} % during the window (worker, Temporal, PostgreSQL, stand-ins, other work); `
    + `this process (stand-ins, Queue) ${(m.benchShare * 100).toFixed(1)} %`);
  note(`EC2 stand-in calls: ${counts(stack.ec2.calls)}; refused: ${counts(stack.ec2.refused)}; `
    + `Queue declarations: ${stack.queue.declarations().length} of ${loops.length}`);
  const continued = loops.filter((l) => l.continued).length;
  if (continued > 0) note(`${continued} loop(s) had continued as new: only their current run was read`);
}

async function run(settings: LoopScaleSettings, parts: { stack?: Stack; worker?: BenchWorker }): Promise<void> {
  const built = await buildService();
  note('worker: node dist-bench/src/main.js worker (the service built as the image builds it)');
  const stack = parts.stack = await startStack(settings.workerTypes, (msg) => note(msg));
  const startedAt = Date.now();
  const worker = parts.worker = await startBenchWorker(stack.workerEnv, settings, built);
  note(`the worker polled and had started every loop ${seconds(Date.now() - startedAt)} after it was started`);
  await sleep(settings.settleMs);
  const measured = await measureWindow(worker, settings);
  await worker.stop();
  parts.worker = undefined;
  const loops = await readIterations(stack.temporal, stack.workerTypes);
  printFigures(loops, measured, settings);
  printNotes(stack, loops, measured);
}

async function main(): Promise<void> {
  const settings = loopScaleSettings();
  note(`${SMOKE ? 'smoke run: figures mean nothing; ' : ''}${settings.workerTypes} idle worker types (spot only, 2 regions, 2 instance types), `
    + `ITERATION_INTERVAL ${seconds(settings.intervalMs)}, one worker process (WORKFLOW_CACHE_SIZE ${settings.workflowCacheSize ?? 'default'}); settle ${seconds(settings.settleMs)}, window ${seconds(settings.windowMs)}`);
  note('a loop sleeps interval × U(0.9, 1.1) between iterations: a worker that keeps up has gap ratios near 1.0 (p95 about 1.09, max about 1.1)');
  const parts: { stack?: Stack; worker?: BenchWorker } = {};
  const cleanup = async () => {
    await parts.worker?.stop();
    await killWorkerChildren();
    await parts.stack?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { void cleanup().finally(() => process.exit(130)); });
  try {
    await run(settings, parts);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`loop-scale failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
