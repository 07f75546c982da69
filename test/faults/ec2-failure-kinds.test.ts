// Failure kinds as the workflows receive them, read from the region inventory's history while
// the EC2 proxy fails its DescribeInstances calls: a permanent error (UnauthorizedOperation)
// reaches the workflow after exactly one activity attempt, marked non-retryable, while a
// transient one (InternalError) is retried and the pass then succeeds.
import { DEFAULT_MAX_ATTEMPTS } from '../../src/aws/ec2-clients';
import { regionWorkflowId } from '../../src/temporal/names';
import { buildActivityDeps, reconcileLoops, startWorker, type RunningWorker } from '../../src/worker/worker';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { WORKFLOW_BUNDLE_ENV } from '../support/global-services';
import { SPOT_PRICES } from './stack';

jest.setTimeout(180_000);

const REGION = 'us-west-2';

let h: ApiHarness;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  h = await startApiHarness({ ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  h.env.ec2Proxy.setSpotPrices(SPOT_PRICES);
  worker = await startWorker({
    connection: h.env.temporal.nativeConnection, namespace: h.env.temporal.namespace ?? 'default',
    deps: buildActivityDeps(h.config, h.db), logger: h.env.logger, workflowBundle: { codePath: process.env[WORKFLOW_BUNDLE_ENV]! },
  });
  await reconcileLoops(h.env.workflows, h.db, h.config.allowedRegions, h.env.logger);
});

afterAll(async () => {
  await worker?.stop();
  await h?.stop();
});

/** How one refreshRegion activity of the history ended, with the attempt it ended on. */
interface ActivityEnd { scheduledEventId: string; attempt: number; failed?: { type: string; nonRetryable: boolean } }

async function refreshRegionEnds(): Promise<ActivityEnd[]> {
  const history = await h.env.temporal.client.workflow.getHandle(regionWorkflowId(REGION)).fetchHistory();
  const events = history.events ?? [];
  const scheduled = new Set(events
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'refreshRegion')
    .map((e) => String(e.eventId)));
  const attempts = new Map(events.filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => [String(e.activityTaskStartedEventAttributes!.scheduledEventId), e.activityTaskStartedEventAttributes!.attempt ?? 0]));
  const ends: ActivityEnd[] = [];
  for (const e of events) {
    const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    const id = String(done?.scheduledEventId ?? '');
    if (!done || !scheduled.has(id)) continue;
    const info = e.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo;
    ends.push({
      scheduledEventId: id, attempt: attempts.get(id) ?? 0,
      ...(e.activityTaskFailedEventAttributes ? { failed: { type: info?.type ?? '', nonRetryable: info?.nonRetryable ?? false } } : {}),
    });
  }
  return ends;
}

const describeCalls = () => h.env.ec2Proxy.counts(REGION).DescribeInstances ?? 0;

test('UnauthorizedOperation: the inventory pass fails after one attempt, as a non-retryable permission failure', async () => {
  const before = (await refreshRegionEnds()).length;
  const callsBefore = describeCalls();
  let failing = true;
  h.env.ec2Proxy.injectFault({
    action: 'DescribeInstances', region: REGION, code: 'UnauthorizedOperation', status: 403, times: Infinity, match: () => failing,
  });
  const failed = await eventually(async () => (await refreshRegionEnds()).slice(before).find((e) => e.failed), 'a failed inventory pass', 30_000);
  // The workflow recorded it for backendStatus, with the classified (public) message.
  await eventually(async () => /UnauthorizedOperation/.test((await h.db.regionStatus.findUnique({ where: { region: REGION } }))?.lastError ?? ''),
    'the region error to be recorded', 30_000);
  failing = false;
  const calls = describeCalls() - callsBefore;
  const passes = (await refreshRegionEnds()).slice(before).length;
  expect(failed).toMatchObject({ attempt: 1, failed: { type: 'permission', nonRetryable: true } });
  // The SDK does not retry it either: about one call per pass (one more may be in flight), never the retry policy's four.
  expect(calls).toBeLessThanOrEqual(passes + 1);
});

test('InternalError: the failed attempt is retried and the inventory pass then succeeds', async () => {
  await eventually(async () => (await refreshRegionEnds()).at(-1)?.failed === undefined, 'a clean pass after the last test', 30_000);
  const before = (await refreshRegionEnds()).length;
  // Every SDK attempt of one activity attempt fails; the next activity attempt gets through.
  h.env.ec2Proxy.injectFault({ action: 'DescribeInstances', region: REGION, code: 'InternalError', times: DEFAULT_MAX_ATTEMPTS });
  const retried = await eventually(async () => (await refreshRegionEnds()).slice(before).find((e) => e.attempt > 1), 'a retried pass', 60_000);
  expect(retried).toEqual({ scheduledEventId: expect.any(String), attempt: 2 });
});
