// The fast workflow test layer: the real workflows (the bundle the global setup built from
// workflows/) on a Temporal dev server, one server per test file, with strict fake activities.
// Each scenario gets its own Worker on its own task queue and its own workflow ids, so tests
// share nothing but the server and pass in any order.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_ENV } from '../../../support/global-services';
import { startTestTemporal, TEMPORAL_STARTUP_TIMEOUT_MS } from '../../../support/temporal';
import { StrictActivities, type Fakes } from './strict-activities';

// The workflows log warnings on purpose in failure scenarios; the assertions say what matters.
if (!Runtime._instance) Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

/**
 * How long a scenario waits for something the workflow does "at once" (ms): generous, for
 * a loaded CI machine; an hour's interval is never reached.
 */
export const PROMPTLY_MS = 20_000;
/** An interval that no scenario waits out: reaching the next pass proves something woke the loop. */
export const HOUR_MS = 3_600_000;

export interface Scenario {
  client: Client;
  taskQueue: string;
  fakes: StrictActivities;
}

/** A name no other test uses (workflow ids derive from worker type and region names). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const FAST_SERVER = {
  // The server holds back every timer until at least this long after it is created (1 s by
  // default, server common/dynamicconfig TimerProcessorMaxTimeShift): millisecond intervals
  // need a shorter shift.
  dynamicConfig: { 'history.timerProcessorMaxTimeShift': '5ms' },
  // Server warnings (tasks cancelled when a scenario's worker stops) are expected here.
  logLevel: 'error',
} as const;

/** Starts the file's Temporal server in beforeAll and stops it in afterAll; returns a getter. */
export function useTemporal(): () => TestWorkflowEnvironment {
  jest.setTimeout(3 * PROMPTLY_MS);
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => { env = await startTestTemporal(FAST_SERVER); }, TEMPORAL_STARTUP_TIMEOUT_MS);
  afterAll(async () => { await env?.teardown(); });
  return () => {
    if (!env) throw new Error('the Temporal test server is not running');
    return env;
  };
}

function bundlePath(): string {
  const codePath = process.env[WORKFLOW_BUNDLE_ENV];
  if (!codePath) throw new Error(`${WORKFLOW_BUNDLE_ENV} is not set: run these tests through jest's workflows-fast project (node scripts/test.js test/workflows/fast)`);
  return codePath;
}

/**
 * Runs `body` while a Worker with `fakes` polls a fresh task queue, then fails the test on any
 * strict-fake violation (also when `body` passed: a violation may have been retried around).
 */
export async function scenario(env: TestWorkflowEnvironment, fakes: Fakes, body: (s: Scenario) => Promise<void>): Promise<void> {
  const taskQueue = uniqueName('fast');
  const strict = new StrictActivities(fakes);
  const worker = await Worker.create({
    connection: env.nativeConnection, namespace: env.namespace, taskQueue,
    workflowBundle: { codePath: bundlePath() }, activities: strict.activities(),
  });
  // Workflows left running stop at their next workflow task, which nothing polls any more.
  await worker.runUntil(body({ client: env.client, taskQueue, fakes: strict })).catch((err: unknown) => {
    strict.assertNoViolations(); // a violation usually explains the failure better
    throw err;
  });
  strict.assertNoViolations();
}

/** Polls `probe` every 10 ms until it returns a value other than undefined, null or false. */
export async function until<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = PROMPTLY_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A promise a fake awaits until the test releases it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

/** Durations (ms) of the timers a workflow run started, in order: the loop's sleeps. */
export async function timerDurations(handle: WorkflowHandle): Promise<number[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
    return timeout ? [tsToMs(timeout)] : [];
  });
}

/** Waits until the run has started its `n`-th sleep (a timer): a signal sent then wakes a sleeping loop. */
export async function untilAsleep(handle: WorkflowHandle, n = 1): Promise<void> {
  await until(async () => (await timerDurations(handle)).length >= n, `sleep ${n} of ${handle.workflowId}`);
}
