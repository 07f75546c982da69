// Replays every recorded history in test/workflows/histories/ against the current workflow code
// (the bundle the jest global setup builds from workflows/): a change that makes workflow code
// issue different commands for the same history fails here, before it reaches workflows that
// are already running. Such a change needs `patched()` (see temporal-notes, versioning); add
// histories with test/workflows/record-histories.ts. No Temporal server is involved.
//
// The negative control replays the same histories against a deliberately incompatible edit of
// the worker type loop (fixtures/reordered-worker-type-workflow.ts), to show this test fails
// when it should.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_ENV } from '../support/global-services';

const HISTORIES_DIR = path.join(__dirname, 'histories');

// Replay failures are reported through the results; the SDK's own lines would only repeat them.
if (!Runtime._instance) Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

interface RawEvent {
  eventId: string;
  eventType: string;
  workflowExecutionStartedEventAttributes?: { workflowType: { name: string }; continuedExecutionRunId?: string };
  activityTaskScheduledEventAttributes?: { activityType: { name: string }; input?: Payloads };
  activityTaskCompletedEventAttributes?: { result?: Payloads };
  workflowExecutionSignaledEventAttributes?: { signalName: string };
  userMetadata?: { summary?: { data?: string } };
}
type Payloads = { payloads?: { data?: string }[] };
interface Recorded { file: string; events: RawEvent[] }

const recorded: Recorded[] = fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort()
  .map((file) => ({ file, events: (JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as { events: RawEvent[] }).events }));

const workflowType = (r: Recorded) => r.events[0]?.workflowExecutionStartedEventAttributes?.workflowType.name;
const has = (r: Recorded, type: string) => r.events.some((e) => e.eventType === `EVENT_TYPE_${type}`);
const signals = (r: Recorded) => r.events.flatMap((e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? []);
/** The first value of JSON payloads (base64 in history JSON). */
const firstValue = (p?: Payloads): unknown => {
  const data = p?.payloads?.[0]?.data;
  return data ? JSON.parse(Buffer.from(data, 'base64').toString('utf8')) : undefined;
};
/** Scheduled activities with their first argument. */
const activities = (r: Recorded) => r.events.flatMap((e) => {
  const a = e.activityTaskScheduledEventAttributes;
  return a ? [{ name: a.activityType.name, arg: firstValue(a.input) }] : [];
});
const activityResults = (r: Recorded) => r.events.flatMap((e) => e.activityTaskCompletedEventAttributes ? [firstValue(e.activityTaskCompletedEventAttributes.result)] : []);

interface Outcome { error?: { name: string; message: string } }

/** Replays the whole corpus on one replay worker; results by file name (passed as the workflow id). */
async function replayAll(options: ReplayWorkerOptions): Promise<Map<string, Outcome>> {
  const histories = recorded.map((r) => ({
    workflowId: r.file,
    history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, r.file), 'utf8'))),
  }));
  const outcomes = new Map<string, Outcome>();
  for await (const result of Worker.runReplayHistories(options, histories)) {
    outcomes.set(result.workflowId, result.error ? { error: { name: result.error.name, message: result.error.message } } : {});
  }
  return outcomes;
}

describe('the recorded corpus', () => {
  const loops = () => recorded.filter((r) => workflowType(r) === 'workerTypeWorkflow');

  test('has every workflow type', () => {
    expect(new Set(recorded.map(workflowType))).toEqual(new Set(['workerTypeWorkflow', 'regionInventoryWorkflow', 'shutdownEverythingWorkflow']));
  });

  test('has a worker type loop that continued as new, and runs that started from carried state', () => {
    expect(loops().some((r) => has(r, 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW'))).toBe(true);
    expect(loops().some((r) => !!r.events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId)).toBe(true);
  });

  test('has launches (one for an offering without capacity), a terminate-all, a removal and a finished loop', () => {
    const all = loops().flatMap(activities);
    expect(all.filter((a) => a.name === 'launchInstance').length).toBeGreaterThan(2);
    expect(all).toContainEqual({ name: 'terminateAllOfWorkerType', arg: expect.objectContaining({ reason: 'terminate-all requested' }) });
    expect(all).toContainEqual({ name: 'terminateAllOfWorkerType', arg: expect.objectContaining({ reason: 'worker type removed' }) });
    expect(new Set(loops().flatMap(signals))).toEqual(new Set(['definitionChanged', 'terminateAll', 'removed']));
    expect(loops().some((r) => has(r, 'WORKFLOW_EXECUTION_COMPLETED'))).toBe(true);
    expect(loops().flatMap(activityResults)).toContainEqual(expect.objectContaining({ outcome: 'capacity' }));
  });

  test('has worker type and region loops recorded with and without summaries on their timers', () => {
    const summarised = (r: Recorded) => r.events.some((e) => e.eventType === 'EVENT_TYPE_TIMER_STARTED' && e.userMetadata?.summary);
    for (const type of ['workerTypeWorkflow', 'regionInventoryWorkflow']) {
      const ofType = recorded.filter((r) => workflowType(r) === type);
      expect(ofType.some(summarised)).toBe(true);
      expect(ofType.some((r) => has(r, 'TIMER_STARTED') && !summarised(r))).toBe(true);
    }
  });

  test('has a shutdown that signalled a loop from workflow code, and region inventory passes', () => {
    const shutdown = recorded.filter((r) => workflowType(r) === 'shutdownEverythingWorkflow');
    expect(shutdown.some((r) => has(r, 'EXTERNAL_WORKFLOW_EXECUTION_SIGNALED'))).toBe(true);
    const region = recorded.filter((r) => workflowType(r) === 'regionInventoryWorkflow').flatMap(activities);
    expect(region.filter((a) => a.name === 'refreshRegion').length).toBeGreaterThanOrEqual(2);
  });
});

describe('replay against the current workflow code', () => {
  let outcomes: Map<string, Outcome>;
  beforeAll(async () => {
    const codePath = process.env[WORKFLOW_BUNDLE_ENV];
    if (!codePath) throw new Error(`${WORKFLOW_BUNDLE_ENV} is unset: run through jest (its global setup bundles the workflows)`);
    outcomes = await replayAll({ workflowBundle: { codePath } });
  }, 60_000);

  test('replays every history', () => {
    expect([...outcomes.keys()].sort()).toEqual(recorded.map((r) => r.file));
  });

  test.each(recorded.map((r) => r.file))('%s replays without nondeterminism', (file) => {
    expect(outcomes.get(file)).toEqual({});
  });
});

describe('negative control: an incompatible edit of the worker type loop', () => {
  let outcomes: Map<string, Outcome>;
  beforeAll(async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/altered-workflows'), logger: quietLogger });
    outcomes = await replayAll({ workflowBundle: bundle });
  }, 120_000);

  /** Histories in which a terminate-all request was carried out: the edit changes exactly that step. */
  const affected = recorded.filter((r) => activities(r).some((a) => (a.arg as { reason?: string } | undefined)?.reason === 'terminate-all requested'));

  test('fails with a DeterminismViolationError on each history that ran a terminate-all', () => {
    expect(affected.length).toBeGreaterThan(0);
    for (const r of affected) {
      // The mismatch is the terminate-all: core names its activity type, or (when a local
      // activity ran where the history has it) the id of the event that scheduled it.
      const ids = r.events.flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType.name === 'terminateAllOfWorkerType' ? [e.eventId] : []));
      const names = new RegExp(`terminateAllOfWorkerType|${ids.map((id) => `id: ${id}, ActivityTaskScheduled`).join('|')}`);
      expect({ file: r.file, ...outcomes.get(r.file)?.error }).toEqual({
        file: r.file, name: 'DeterminismViolationError', message: expect.stringMatching(names),
      });
    }
  });

  test('replays every other history, so the failures come from the edit alone', () => {
    const others = recorded.filter((r) => !affected.includes(r));
    expect(others.length).toBeGreaterThan(0);
    for (const r of others) expect({ file: r.file, ...outcomes.get(r.file) }).toEqual({ file: r.file });
  });
});

const quiet = () => undefined;
const quietLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
