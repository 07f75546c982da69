// What an operator sees of the loops in the Temporal Web UI, read through the Temporal client
// as the UI reads it: the static summary (DescribeWorkflowExecution), the current details (the
// built-in __temporal_workflow_metadata query) and the user metadata of timers and activities
// in the history. The real workflows with strict fake activities (see support/harness.ts).
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal as proto } from '@temporalio/proto';
import type { InventorySummary } from '../../../activities/inventory';
import { createWorkflowControl } from '../../../src/temporal/workflow-control';
import { definitionChangedSignal } from '../../../workflows/messages';
import { regionWorkflowId, workerTypeWorkflowId } from '../../../workflows/names';
import type { regionInventoryWorkflow } from '../../../workflows/region-inventory-workflow';
import type { workerTypeWorkflow } from '../../../workflows/worker-type-workflow';
import { gate, HOUR_MS, scenario, uniqueName, until, untilAsleep, useTemporal } from './support/harness';
import { transientFailure } from './support/strict-activities';
import { instanceIdOf, loopFakes, loopInput } from './support/worker-type-fakes';

const temporal = useTemporal();

type Payload = proto.api.common.v1.IPayload | null | undefined;
const text = (p: Payload) => (p ? defaultPayloadConverter.fromPayload<string>(p) : undefined);

/** The current details the UI shows, through the query it uses. */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails;
}
const firstLine = async (handle: WorkflowHandle) => (await currentDetails(handle)).split('\n')[0];

/** The summaries of the run's timers and scheduled activities, in history order. */
async function summaries(handle: WorkflowHandle): Promise<{ timers: string[]; activities: string[] }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const of = (pick: (e: proto.api.history.v1.IHistoryEvent) => unknown) =>
    events.filter(pick).map((e) => text(e.userMetadata?.summary) ?? `(no summary on event ${String(e.eventId)})`);
  // Activities and local activities (recorded as markers), in the order the workflow ran them.
  const activity = (e: proto.api.history.v1.IHistoryEvent) => e.activityTaskScheduledEventAttributes
    || e.markerRecordedEventAttributes?.markerName === 'core_local_activity';
  return { timers: of((e) => e.timerStartedEventAttributes), activities: of(activity) };
}

/** The iteration a ClientToken `<firstRunId>-<iteration>-<round>-<slot>` belongs to. */
const iterationOf = (token: string) => Number(token.split('-').at(-3));

test('a worker type whose launches fail: status line, launch error, the launch in flight, and the history\'s summaries', async () => {
  const wt = uniqueName('ui');
  const released = gate();
  const fakes = loopFakes(wt, {
    pendingTasks: 1,
    launch: async (req) => {
      const iteration = iterationOf(req.clientToken);
      if (iteration === 1) return { outcome: 'invalid', code: 'InvalidParameterValue', message: 'Invalid user data: not base64' };
      // Iteration 2: throttled, and retried until the test lets it through.
      if (!await Promise.race([released.wait.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))])) {
        throw transientFailure('Request limit exceeded.', 20);
      }
      return { outcome: 'launched', instanceId: instanceIdOf(req.clientToken), zone: req.offering.zone };
    },
  });
  await scenario(temporal(), fakes, async ({ client, taskQueue, fakes: strict }) => {
    const handle = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { intervalMs: HOUR_MS })],
    });
    await untilAsleep(handle, 1);
    const failed = 'pending tasks 1 · running 0, pending 0, requested 0 · change +1 · last launch error: InvalidParameterValue: Invalid user data: not base64';
    expect(await firstLine(handle)).toBe(failed);
    const details = await currentDetails(handle);
    expect(details).toContain('\n### Iteration 1 at ');
    expect(details).toContain('\n- Launch failed: c5.xlarge spot us-west-2a: InvalidParameterValue: Invalid user data: not base64\n');
    expect(details).toMatch(/\n\*\*Last launch error\*\* \(.+\): InvalidParameterValue: Invalid user data: not base64$/);

    // While the next launch is retried, the details say what is in flight, with the last error.
    await handle.signal(definitionChangedSignal);
    await until(() => strict.calls('launchInstance').some((c) => iterationOf(c.args[0].clientToken) === 2 && c.attempt >= 3), 'a retried launch');
    expect(await firstLine(handle)).toBe(`launching 1 · ${failed}`);
    expect(await currentDetails(handle)).toContain('\n- c5.xlarge spot in us-west-2a\n\nIn flight: 1 launchInstance activity.');
    // Where the README sends operators for the attempt's own failure: the pending activity.
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    expect(pending.map((a) => [a.activityType?.name, a.lastFailure?.message])).toEqual([['launchInstance', 'Request limit exceeded.']]);

    released.open();
    await untilAsleep(handle, 2);
    // A clean iteration that launched clears the error, as the API's lastLaunchError.
    expect(await firstLine(handle)).toBe('pending tasks 1 · running 0, pending 0, requested 0 · change +1');
    expect(await currentDetails(handle)).toMatch(/\n- Launched: i-[0-9a-f]{8} c5\.xlarge spot us-west-2a\n/);

    const { timers, activities } = await summaries(handle);
    expect(timers).toHaveLength(2);
    for (const t of timers) expect(t).toMatch(/^wait for next iteration \((5[4-9]|6[0-6]) min\) or a signal$/);
    // Declared to the Queue at the start and again on the definitionChanged signal.
    const iteration = (n: number) => [`declare worker type ${wt} to the Queue`, `observe worker type ${wt}`, 'launch c5.xlarge spot in us-west-2a', `record iteration ${n}`];
    expect(activities).toEqual([...iteration(1), ...iteration(2)]);
  });
});

test('a region loop reports its pass in Markdown, and its timers and activities carry summaries', async () => {
  const region = uniqueName('region');
  const summary: InventorySummary = { region, seen: 3, updated: 2, vanished: 1, adopted: 0, reaped: { orphan: 1 }, intervalMs: HOUR_MS, priceIntervalMs: HOUR_MS };
  const same = (name: string) => expect(name).toBe(region);
  await scenario(temporal(), {
    refreshSpotPrices: (name) => { same(name); return { zones: 1, prices: 1 }; },
    refreshOnDemandPrices: (req) => { same(req.region); return { asked: 1, prices: 1, unpriced: [] }; },
    refreshRegion: (name) => { same(name); return summary; },
  }, async ({ client, taskQueue }) => {
    const handle = await client.workflow.start<typeof regionInventoryWorkflow>('regionInventoryWorkflow', {
      taskQueue, workflowId: regionWorkflowId(region), args: [{ region, intervalMs: HOUR_MS, priceIntervalMs: HOUR_MS }],
    });
    await untilAsleep(handle, 1);
    const details = await currentDetails(handle);
    expect(details.split('\n')[0]).toMatch(/^Pass 1 at \S+ · seen 3, updated 2, vanished 1, adopted 0, reaped 1$/);
    expect(details).toContain(`\n### Inventory of ${region}, pass 1\n- Instances seen: 3\n`);
    expect(details).not.toContain('{');
    expect(await summaries(handle)).toEqual({
      timers: ['wait for next inventory pass (60 min) or refreshNow'],
      activities: [`refresh spot prices in ${region}`, `refresh on-demand prices in ${region}`, `inventory of ${region}`],
    });
  });
});

test('each loop started by the provisioner carries a static summary the workflow list shows', async () => {
  const { client } = temporal();
  const wt = uniqueName('listed');
  const region = uniqueName('region');
  const control = createWorkflowControl(client, {
    allowedRegions: [region], iterationIntervalMs: HOUR_MS, inventoryIntervalMs: HOUR_MS, spotPriceIntervalMs: HOUR_MS, capacityCooldownMs: 1,
  });
  // Nothing polls the provisioner's task queue here: the runs only need to exist.
  await control.ensureWorkerTypeLoop(wt);
  await control.ensureRegionLoop(region);
  const loop = client.workflow.getHandle(workerTypeWorkflowId(wt));
  const inventory = client.workflow.getHandle(regionWorkflowId(region));
  try {
    expect(await (await loop.describe()).staticSummary()).toBe(`Provisioning loop of worker type ${wt}`);
    expect(await (await inventory.describe()).staticSummary()).toBe(`Inventory of region ${region}`);
  } finally {
    await Promise.all([loop.terminate('test over'), inventory.terminate('test over')]);
  }
});

test('a run continued as new shows the carried status at once; its static summary is gone (the SDK cannot carry it)', async () => {
  const wt = uniqueName('continued');
  const fakes = loopFakes(wt, { pendingTasks: 0 });
  const observe = fakes.observeWorkerType!;
  const held = gate();
  let observations = 0;
  // The second run's observation waits: what it shows meanwhile is what it carried.
  fakes.observeWorkerType = async (name) => {
    if (++observations === 2) await held.wait;
    return observe(name);
  };
  await scenario(temporal(), fakes, async ({ client, taskQueue }) => {
    const first = await client.workflow.start<typeof workerTypeWorkflow>('workerTypeWorkflow', {
      taskQueue, workflowId: workerTypeWorkflowId(wt), args: [loopInput(wt, { iterationsPerRun: 1, intervalMs: HOUR_MS })],
      staticSummary: `Provisioning loop of worker type ${wt}`,
    });
    await untilAsleep(first, 1);
    await first.signal(definitionChangedSignal); // wakes it: the run continues as new after its one iteration
    const latest = client.workflow.getHandle(first.workflowId);
    await until(async () => (await latest.describe()).runId !== first.firstExecutionRunId && observations === 2, 'the second run\'s observation');
    // Before its own first iteration ends, the new run shows the report it carried.
    const carried = await currentDetails(latest).finally(held.open);
    expect(carried.split('\n')[0]).toBe('pending tasks 0 · running 0, pending 0, requested 0 · change 0');
    expect(carried).toContain('\n### Iteration 1 at ');
    // @temporalio/workflow 1.24's continueAsNew has no user metadata. When this fails, it does:
    // carry the summary over and update the README's Temporal Web UI section.
    expect(await (await latest.describe()).staticSummary()).toBeUndefined();
    expect(await (await client.workflow.getHandle(first.workflowId, first.firstExecutionRunId).describe()).staticSummary()).toBe(`Provisioning loop of worker type ${wt}`);
    await latest.terminate('test over');
  });
});
