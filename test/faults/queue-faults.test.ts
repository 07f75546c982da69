// Faults of the TaskCluster Queue: the worker asks it through a fault-injecting front
// (queue-front.ts) that refuses or cuts connections, answers 500, non-JSON, JSON of the wrong
// shape, a negative count, or too late. Behind the front the real demand drops to zero, so a
// loop that took any of these for "no tasks" would terminate its booting instances within
// two iterations; instead it keeps its capacity and reports the Queue's error on the worker
// type (state.lastIteration.queueError) and in backendStatus. The last step lifts the fault
// and shows the same instances do go once the Queue really answers zero.
//
// One scenario: every fault is tried on the instances the first step launched, with the real
// demand already at zero, so they run in this order as named steps of one test (see
// test/support/steps.ts).
import { LIVE_STATES } from '../../src/db/ledger';
import { createQueueClient } from '../../src/queue/queue-client';
import { buildActivityDeps, reconcileLoops, startWorker, type RunningWorker } from '../../src/worker/worker';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { WORKFLOW_BUNDLE_ENV } from '../support/global-services';
import { step } from '../support/steps';
import { startQueueFront, type QueueFault, type QueueFront } from './queue-front';
import { expectConsistent, liveInMoto, SPOT_PRICES, type Inspectable } from './stack';

jest.setTimeout(1_620_000); // the whole scenario (nine steps); each wait inside has its own bound

const WT = 'queue-builder';
const CAPACITY = 2;
/** The worker's Queue client is configured with this timeout, so a slow Queue costs seconds here. */
const QUEUE_TIMEOUT_MS = 1_000;

let front: QueueFront;
let h: ApiHarness;
let view: Inspectable;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  front = await startQueueFront();
  h = await startApiHarness({ TASKCLUSTER_ROOT_URL: front.url, ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  front.target = h.env.queue.url;
  front.slowMs = QUEUE_TIMEOUT_MS + 1_500;
  h.env.ec2Proxy.setSpotPrices(SPOT_PRICES);
  view = { db: h.db, rawEc2: h.env.rawEc2, config: h.config };
  const queue = createQueueClient({ rootUrl: front.url, timeoutMs: QUEUE_TIMEOUT_MS });
  worker = await startWorker({
    connection: h.env.temporal.nativeConnection, namespace: h.env.temporal.namespace ?? 'default',
    deps: buildActivityDeps(h.config, h.db, { ec2: h.env.ec2, queue }), logger: h.env.logger,
    workflowBundle: { codePath: process.env[WORKFLOW_BUNDLE_ENV]! },
  });
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});

afterAll(async () => {
  await worker?.stop();
  await h?.stop();
  await front?.close();
});

interface Report { iteration: number; pendingTasks: number | null; queueError: string | null; terminated: unknown[]; change: number }
const lastIteration = async () => (await h.provisioner().state(WT)).lastIteration as Report | null;
const setPending = (n: number) => h.env.queue.setPending(h.config.provisionerId, WT, n);

async function launchesWithTheQueueAnswering(): Promise<void> {
  await h.provisioner().createWorkerType(WT, workerTypeDefinition({ maxCapacity: 5 }));
  setPending(CAPACITY);
  await expectConsistent(view, WT, CAPACITY);
  await eventually(async () => (await lastIteration())?.pendingTasks === CAPACITY, 'an iteration that read the demand');
  expect((await h.provisioner().backendStatus()).queue).toEqual({ healthy: true, detail: expect.stringContaining('1 worker type') });
  // From here on, demand data is missing while the real demand is zero.
  await front.set('refused');
  setPending(0);
}

const FAULTS: Array<[QueueFault, RegExp]> = [
  ['refused', /request failed: ECONNREFUSED/],
  ['closed', /request failed: (?!ECONNREFUSED)/],
  ['http-500', /HTTP 500 InternalServerError/],
  ['not-json', /answer is not JSON/],
  ['wrong-shape', /answer is not a JSON object/],
  ['negative-count', /pendingTasks is not a non-negative integer/],
  ['slow', new RegExp(`no answer within ${QUEUE_TIMEOUT_MS} ms`)],
];

async function capacityKeptThrough(fault: QueueFault, reason: RegExp): Promise<void> {
  await front.set(fault);
  const seen = new Map<number, Report>();
  await eventually(async () => {
    const report = await lastIteration();
    if (report?.queueError && reason.test(report.queueError)) seen.set(report.iteration, report);
    return seen.size >= 2;
  }, `two iterations that report "${reason.source}"`, 60_000, 200);
  for (const report of seen.values()) expect(report).toMatchObject({ pendingTasks: null, change: 0, terminated: [] });
  expect(await liveInMoto(view, WT)).toHaveLength(CAPACITY);
  expect(await h.db.instance.count({ where: { workerType: WT, state: { notIn: LIVE_STATES } } })).toBe(0);
  const status = await h.provisioner().backendStatus();
  expect(status.status).toBe('degraded');
  expect(status.queue.healthy).toBe(false);
  expect(status.queue.detail).toMatch(reason);
  expect(status.queue.detail).toContain(WT);
}

async function zeroActedUponOnceAnswering(): Promise<void> {
  await front.set('none');
  await eventually(async () => (await lastIteration())?.pendingTasks === 0, 'an iteration that read the demand again');
  await expectConsistent(view, WT, 0);
  expect((await h.provisioner().backendStatus()).queue.healthy).toBe(true);
}

test('Queue faults: capacity kept through each, then the real zero acted upon', async () => {
  await step('with the Queue answering, the loop launches for its pending tasks and backendStatus says the Queue is healthy', launchesWithTheQueueAnswering);
  for (const [fault, reason] of FAULTS) {
    await step(`Queue ${fault}: capacity kept over two iterations, error on the worker type and in backendStatus`, () => capacityKeptThrough(fault, reason));
  }
  await step('once the Queue answers again, its zero is acted upon: the booting instances are terminated', zeroActedUponOnceAnswering);
});
