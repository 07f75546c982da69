// Faults of EC2, injected by the proxy in front of moto: throttling and 5xx answers for
// RunInstances and DescribeInstances, answers slower than the SDK's request timeout, and an
// instance that disappears (terminated directly in moto, as a spot interruption would). No
// loop dies, no retry storm (calls counted at the proxy over a window stay within what the
// retry policies in workflows/activity-options.ts allow), and capacity is restored exactly.
// Each test provisions a worker type of its own, so none depends on the capacity or demand
// another left.
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { THROTTLE_RETRY_DELAY_MS } from '../../src/domain/failure-kinds';
import { createEc2Clients, DEFAULT_MAX_ATTEMPTS, ec2OptionsFor } from '../../src/aws/ec2-clients';
import { createEc2Gateway } from '../../src/aws/ec2-gateway';
import { regionWorkflowId, workerTypeWorkflowId } from '../../src/temporal/names';
import { buildActivityDeps, reconcileLoops, startWorker, type RunningWorker } from '../../src/worker/worker';
import { LOOP_LAUNCH, REGION_EC2 } from '../../workflows/activity-options';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import type { FaultSpec } from '../support/ec2-proxy';
import { TEST_REGIONS } from '../support/environment';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { WORKFLOW_BUNDLE_ENV } from '../support/global-services';
import { attemptsWithin, expectConsistent, lastRecorded, liveInMoto, sleep, SPOT_PRICES, type Inspectable } from './stack';

jest.setTimeout(180_000);

const REGION = 'us-west-2';
/** The worker's EC2 clients are configured with this request timeout, so held calls time out quickly. */
const REQUEST_TIMEOUT_MS = 2_000;

let h: ApiHarness;
let view: Inspectable;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  h = await startApiHarness({ ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  h.env.ec2Proxy.setSpotPrices(SPOT_PRICES);
  view = { db: h.db, rawEc2: h.env.rawEc2, config: h.config };
  const ec2 = createEc2Gateway(createEc2Clients({ ...ec2OptionsFor(h.config), requestTimeoutMs: REQUEST_TIMEOUT_MS }));
  worker = await startWorker({
    connection: h.env.temporal.nativeConnection, namespace: h.env.temporal.namespace ?? 'default',
    deps: buildActivityDeps(h.config, h.db, { ec2 }), logger: h.env.logger, workflowBundle: { codePath: process.env[WORKFLOW_BUNDLE_ENV]! },
  });
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});

afterAll(async () => {
  await worker?.stop();
  await h?.stop();
});

const calls = (action: string, region?: string) => h.env.ec2Proxy.counts(region)[action] ?? 0;
const setPending = (workerType: string, n: number) => h.env.queue.setPending(h.config.provisionerId, workerType, n);

/** Creates the worker type `name` (its loop starts with nothing to do) and returns its name. */
async function createWorkerType(name: string): Promise<string> {
  await h.provisioner().createWorkerType(name, workerTypeDefinition({ maxCapacity: 10 }));
  return name;
}

/** Every matching call fails with `code` for the next `ms`. */
function failFor(ms: number, fault: Omit<FaultSpec, 'times' | 'match'>): void {
  const until = Date.now() + ms;
  h.env.ec2Proxy.injectFault({ ...fault, times: Infinity, match: () => Date.now() < until });
}

test('RunInstances throttled (RequestLimitExceeded): no retry before the throttle delay, then the capacity is launched', async () => {
  const WT = await createWorkerType('ec2-throttled');
  const windowMs = 12_000;
  const slots = 2;
  const have = (await liveInMoto(view, WT)).length;
  const before = calls('RunInstances');
  const started = Date.now();
  failFor(windowMs, { action: 'RunInstances', code: 'RequestLimitExceeded' });
  setPending(WT, have + slots);
  await eventually(async () => calls('RunInstances') > before, 'a first RunInstances', 15_000, 20);
  await sleep(started + windowMs - Date.now());
  const made = calls('RunInstances') - before;
  // Each launch slot: one activity attempt (the next waits THROTTLE_RETRY_DELAY_MS), of DEFAULT_MAX_ATTEMPTS SDK calls.
  expect(made).toBeLessThanOrEqual(slots * DEFAULT_MAX_ATTEMPTS * attemptsWithin(windowMs, LOOP_LAUNCH.retry, THROTTLE_RETRY_DELAY_MS));
  expect(await liveInMoto(view, WT)).toHaveLength(have);
  await expectConsistent(view, WT, have + slots, 60_000);
});

test('RunInstances failing with InternalError, then Unavailable: retried with backoff, then launched once', async () => {
  const WT = await createWorkerType('ec2-internal-error');
  const windowMs = 5_000;
  const have = (await liveInMoto(view, WT)).length;
  const before = calls('RunInstances');
  const started = Date.now();
  failFor(windowMs / 2, { action: 'RunInstances', code: 'InternalError' });
  failFor(windowMs, { action: 'RunInstances', code: 'Unavailable' });
  setPending(WT, have + 1);
  await sleep(started + windowMs - Date.now());
  const made = calls('RunInstances') - before;
  expect(made).toBeGreaterThan(0);
  expect(made).toBeLessThanOrEqual(1 * DEFAULT_MAX_ATTEMPTS * attemptsWithin(windowMs, LOOP_LAUNCH.retry));
  await expectConsistent(view, WT, have + 1);
});

test('RunInstances answered only after the SDK request timeout: retried, and EC2 launches once', async () => {
  const WT = await createWorkerType('ec2-slow-answer');
  const have = (await liveInMoto(view, WT)).length;
  const before = calls('RunInstances');
  // Both SDK attempts of the first activity attempt are held past the timeout; EC2 still launches.
  h.env.ec2Proxy.injectDelay({ action: 'RunInstances', ms: REQUEST_TIMEOUT_MS + 1_500, times: DEFAULT_MAX_ATTEMPTS });
  setPending(WT, have + 1);
  await eventually(async () => calls('RunInstances') - before >= DEFAULT_MAX_ATTEMPTS, 'the SDK to retry the timed-out call', 30_000, 50);
  await expectConsistent(view, WT, have + 1);
  const iteration = (await lastRecorded(h.db, WT)).iteration;
  await eventually(async () => (await lastRecorded(h.db, WT)).iteration >= iteration + 2, 'two more iterations');
  // The activity's retry got the first launch back: from EC2 (the same ClientToken), or from the
  // ledger when the inventory had already seen the instance. Never a second instance.
  const made = calls('RunInstances') - before;
  expect(made).toBeGreaterThanOrEqual(DEFAULT_MAX_ATTEMPTS);
  expect(made).toBeLessThanOrEqual(DEFAULT_MAX_ATTEMPTS + 1);
  await expectConsistent(view, WT, have + 1);
});

test('DescribeInstances throttled, then failing with InternalError, in one region: the inventory backs off and every loop keeps iterating', async () => {
  const WT = await createWorkerType('ec2-describe-faults');
  const windowMs = 10_000;
  const other = TEST_REGIONS.find((r) => r !== REGION)!;
  const have = (await liveInMoto(view, WT)).length;
  const before = { faulty: calls('DescribeInstances', REGION), other: calls('DescribeInstances', other), loop: await lastRecorded(h.db, WT) };
  const started = Date.now();
  failFor(windowMs / 2, { action: 'DescribeInstances', region: REGION, code: 'RequestLimitExceeded' });
  failFor(windowMs, { action: 'DescribeInstances', region: REGION, code: 'InternalError' });
  await sleep(started + windowMs - Date.now());
  const made = calls('DescribeInstances', REGION) - before.faulty;
  expect(made).toBeGreaterThan(0);
  expect(made).toBeLessThanOrEqual(DEFAULT_MAX_ATTEMPTS * attemptsWithin(windowMs, REGION_EC2.retry));
  // The other region's inventory and the worker type loop (which never reads EC2) carried on.
  expect(calls('DescribeInstances', other) - before.other).toBeGreaterThanOrEqual(3);
  expect((await lastRecorded(h.db, WT)).iteration).toBeGreaterThanOrEqual(before.loop.iteration + 3);
  const regions = (await h.provisioner().backendStatus()).regions as Array<{ region: string; healthy: boolean }>;
  expect(regions.find((r) => r.region === REGION)?.healthy).toBe(false);
  expect(regions.find((r) => r.region === other)?.healthy).toBe(true);
  await eventually(async () => {
    const now = (await h.provisioner().backendStatus()).regions as Array<{ region: string; healthy: boolean }>;
    return now.every((r) => r.healthy);
  }, `the inventory of ${REGION} to recover`, 60_000);
  await expectConsistent(view, WT, have);
});

test('an instance terminated behind the provisioner\'s back (a spot interruption) is recorded as gone and replaced', async () => {
  const WT = await createWorkerType('ec2-interrupted');
  setPending(WT, Math.max(1, (await liveInMoto(view, WT)).length));
  const live = await eventually(async () => { const l = await liveInMoto(view, WT); return l.length > 0 && l; }, 'a live instance');
  const n = live.length;
  const victim = live[0]!;
  await h.env.rawEc2(victim.zone.slice(0, -1)).send(new TerminateInstancesCommand({ InstanceIds: [victim.id] }));
  await eventually(async () => (await h.db.instance.findFirst({ where: { instanceId: victim.id } }))?.state === 'terminated',
    'the ledger to record the instance as gone', 30_000);
  const after = await eventually(async () => {
    const now = await liveInMoto(view, WT);
    return now.length === n && !now.some((i) => i.id === victim.id) && now;
  }, 'a replacement', 60_000);
  expect(after.filter((i) => !live.some((l) => l.id === i.id))).toHaveLength(1);
  await expectConsistent(view, WT, n);
  // No loop ended on the way.
  for (const id of [workerTypeWorkflowId(WT), ...TEST_REGIONS.map(regionWorkflowId)]) {
    expect((await h.env.temporal.client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
  }
});
