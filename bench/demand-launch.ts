// Benchmark demand-launch ("launch within seconds of demand"): the time from the Queue's
// demand (a pending task) to the loop's first RunInstances, with Pulse wake-ups and, as the
// reference of the same run, with the poll alone. Every trial is a worker type of its own
// whose loop has run its first iteration and sleeps; after a random delay within one
// interval, its pending count is set, and in a Pulse trial a task-pending message is
// published as the Queue does. Trials run side by side. See README.md.
import type { WorkerTypeDefinition } from '../src/domain/worker-type';
import { createWorkerTypeRepository } from '../src/db/worker-types';
import { workerTypeWorkflowId } from '../src/temporal/names';
import { lastIterationQuery } from '../workflows/messages';
import { BENCH_INSTANCE_TYPE, BENCH_REGION } from './demand-launch/ec2';
import { FIGURES } from './demand-launch/figures';
import { startDemandStack, type DemandStack } from './demand-launch/stack';
import { SMOKE } from './support/options';
import { figure, note, ratio } from './support/report';
import { percentile } from './support/stats';

const TRIALS = SMOKE ? 1 : 10;
/** The default ITERATION_INTERVAL (src/config.ts); smoke runs use 2 s. */
const INTERVAL_SEC = SMOKE ? 2 : 30;
/** A trial that has not launched after this long counts as not launched. */
const GIVE_UP_MS = 3 * INTERVAL_SEC * 1000;

type Path = 'pulse' | 'poll';
interface Trial { path: Path; name: string; latencyMs?: number }

const definition = (): WorkerTypeDefinition => ({
  launchSpec: {}, userData: {}, secrets: {}, scopes: [], minCapacity: 0, maxCapacity: 5, scalingRatio: 0, minPrice: 0, maxPrice: 0.5,
  canUseOndemand: false, canUseSpot: true, availabilityZones: [], description: 'demand-launch benchmark', owner: 'bench@example.com',
  instanceTypes: [{ instanceType: BENCH_INSTANCE_TYPE, capacity: 1, utility: 1, launchSpec: {}, secrets: {}, userData: {}, scopes: [] }],
  regions: [{ region: BENCH_REGION, launchSpec: { ImageId: 'ami-0123456789abcdef0' }, secrets: {}, userData: {}, scopes: [] }],
}) as unknown as WorkerTypeDefinition;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(probe: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Creates the trials' worker types and waits until each loop has iterated once and prices are known. */
async function prepare(stack: DemandStack, trials: Trial[]): Promise<void> {
  const repository = createWorkerTypeRepository(stack.db);
  for (const t of trials) {
    await repository.create(t.name, definition(), new Date());
    await stack.workflows.workerTypeChanged(t.name);
  }
  await stack.workflows.refreshRegions([BENCH_REGION]);
  await waitFor(async () => (await stack.db.spotPrice.count()) > 0, 'spot prices', 60_000);
  for (const t of trials) {
    const loop = stack.temporal.workflow.getHandle(workerTypeWorkflowId(t.name));
    await waitFor(async () => (await loop.query(lastIterationQuery)) !== null, `the first iteration of ${t.name}`, 60_000);
  }
}

/**
 * A random moment of the loop's current sleep, uniform over one interval after its latest
 * iteration, so the poll-only path waits half an interval on average whatever the set-up took.
 */
async function randomMomentOfSleep(stack: DemandStack, trial: Trial): Promise<void> {
  const loop = stack.temporal.workflow.getHandle(workerTypeWorkflowId(trial.name));
  const latest = (await loop.query(lastIterationQuery))!.at;
  const target = Date.parse(latest) + Math.random() * INTERVAL_SEC * 1000;
  if (target > Date.now()) return sleep(target - Date.now());
  // That moment passed while the others were set up: draw within the next sleep instead.
  await waitFor(async () => (await loop.query(lastIterationQuery))!.at !== latest, `the next iteration of ${trial.name}`, GIVE_UP_MS);
  return randomMomentOfSleep(stack, trial);
}

/** Demand at a random moment of the loop's sleep; records the latency to its first RunInstances. */
async function run(stack: DemandStack, trial: Trial): Promise<void> {
  await randomMomentOfSleep(stack, trial);
  const { provisionerId } = stack.config;
  const started = Date.now();
  stack.queue.setPending(provisionerId, trial.name, 1);
  if (trial.path === 'pulse') await stack.pulse.taskPending(provisionerId, trial.name);
  const tag = `${provisionerId}/${trial.name}`;
  await waitFor(() => stack.ec2.firstLaunch(tag) !== undefined, `a launch of ${trial.name}`, GIVE_UP_MS).catch(() => undefined);
  const at = stack.ec2.firstLaunch(tag);
  if (at !== undefined) trial.latencyMs = at - started;
}

async function signalsOf(stack: DemandStack, name: string): Promise<number> {
  const history = await stack.temporal.workflow.getHandle(workerTypeWorkflowId(name)).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'tasksPending').length;
}

const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;

async function report(stack: DemandStack, trials: Trial[]): Promise<void> {
  const latencies = (path: Path) => trials.filter((t) => t.path === path && t.latencyMs !== undefined).map((t) => t.latencyMs!);
  const [pulse, poll] = [latencies('pulse'), latencies('poll')];
  const at = (samples: number[], p: number) => percentile(samples, p);
  figure(FIGURES.pulseP50, ratio(at(pulse, 50), at(poll, 50)), `Pulse p50 ${seconds(at(pulse, 50))} / poll-only p50 ${seconds(at(poll, 50))}`);
  figure(FIGURES.pulseP90, ratio(at(pulse, 90), at(poll, 90)), `Pulse p90 ${seconds(at(pulse, 90))} / poll-only p90 ${seconds(at(poll, 90))}`);
  figure(FIGURES.pollP50, ratio(at(poll, 50), INTERVAL_SEC * 1000), `poll-only p50 / ITERATION_INTERVAL ${INTERVAL_SEC} s; half an interval is expected`);
  figure(FIGURES.launched, `pulse=${pulse.length}/${TRIALS}, poll=${poll.length}/${TRIALS}`, `trials with a RunInstances within ${GIVE_UP_MS / 1000} s`);
  const signals = await Promise.all(trials.filter((t) => t.path === 'pulse').map((t) => signalsOf(stack, t.name)));
  figure(FIGURES.signals, ratio(signals.reduce((a, b) => a + b, 0), signals.length), 'tasksPending signals per Pulse trial (one message each)');
}

async function main(): Promise<void> {
  note(`${SMOKE ? 'smoke run: figures mean nothing; ' : ''}${TRIALS} trial(s) per path, side by side, at ITERATION_INTERVAL ${INTERVAL_SEC} s; `
    + 'real PostgreSQL, Temporal dev server, RabbitMQ and local Queue; EC2 in memory');
  const stack = await startDemandStack(INTERVAL_SEC, (msg) => note(msg));
  process.once('SIGINT', () => { void stack.stop().finally(() => process.exit(130)); });
  try {
    const trials: Trial[] = (['pulse', 'poll'] as const).flatMap((path) => Array.from({ length: TRIALS }, (_, i) => ({ path, name: `demand-${path}-${i}` })));
    await prepare(stack, trials);
    await Promise.all(trials.map((t) => run(stack, t)));
    await report(stack, trials);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demand-launch failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
