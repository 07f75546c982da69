// End to end, graceful shutdown of the worker role: the worker runs as its own OS process,
// started and stopped by the production code (src/processes/roles.ts), and gets SIGTERM
// while a launch waits on RunInstances, which the EC2 proxy holds. With a grace period longer
// than the hold, the launch finishes and is recorded, no activity starts once the worker has
// closed its polls, and the process exits 0 within the grace period plus the force margin.
// The negative control, a grace period of 1 ms, runs the same scenario and the launch is cancelled.
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { LIVE_STATES } from '../../src/db/ledger';
import { workerTypeWorkflowId } from '../../src/temporal/names';
import { SHUTDOWN_FORCE_MARGIN_MS } from '../../src/worker/shutdown';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { TEST_REGIONS } from '../support/environment';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { ownedInstances } from '../support/moto-inspect';
import { killWorkerChildren, startWorkerChild, workerChildEnv } from '../support/worker-child-process';

jest.setTimeout(180_000);

/** Long enough that the signal surely lands while RunInstances is held. */
const HOLD_MS = 4_000;
const GRACE_MS = 10_000;
const FAST = { ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' };
/** How long after the worker logs "shutting down" a poll that was open may still be handed a task. */
const POLL_CLOSE_MS = 250;

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness(FAST);
  h.env.ec2Proxy.setSpotPrices(['a', 'b', 'c'].map((z) => ({ region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.xlarge', price: 0.1 })));
});

afterAll(async () => {
  await killWorkerChildren();
  await h?.stop();
});

/** `stoppingAt`: when the child logged that it is shutting down, by its clock (the same machine's). */
interface Scenario { signalledAt: number; stoppingAt: number; releasedAt: number; exitedAt: number; exit: unknown }

function stoppingTime(output: string[]): number {
  const line = output.join('').split('\n').find((l) => l.includes('"msg":"shutting down"'));
  if (!line) throw new Error(`the worker never logged "shutting down":\n${output.join('')}`);
  return Date.parse((JSON.parse(line) as { time: string }).time);
}

/** One launch of `wt`, held at the proxy; SIGTERM to the worker while it is held. */
async function sigtermDuringLaunch(wt: string, graceSeconds: string): Promise<Scenario> {
  const worker = await startWorkerChild(workerChildEnv(h, { ...FAST, WORKER_SHUTDOWN_GRACE: graceSeconds }));
  await h.provisioner().createWorkerType(wt, workerTypeDefinition({ maxCapacity: 1 }));
  const before = h.env.ec2Proxy.counts().RunInstances ?? 0;
  h.env.ec2Proxy.injectDelay({ action: 'RunInstances', ms: HOLD_MS });
  h.env.queue.setPending(h.config.provisionerId, wt, 1);
  await eventually(async () => (h.env.ec2Proxy.counts().RunInstances ?? 0) > before, 'RunInstances at the proxy', 60_000, 20);
  const releasedAt = Date.now() + HOLD_MS;
  const signalledAt = Date.now();
  worker.proc.kill('SIGTERM');
  const exit = await worker.exited;
  return { signalledAt, stoppingAt: stoppingTime(worker.output), releasedAt, exitedAt: Date.now(), exit };
}

const ledgerRows = (wt: string) => h.db.instance.findMany({ where: { workerType: wt } });

async function instancesInMoto(wt: string): Promise<string[]> {
  const lists = await Promise.all(TEST_REGIONS.map((r) => ownedInstances(h.env.rawEc2(r), h.config.provisionerId)));
  return lists.flat().filter((i) => i.tags.WorkerType === `${h.config.provisionerId}/${wt}`).map((i) => i.id);
}

/** Start times of every activity attempt the server recorded, over all workflows, running or not. */
async function activityStarts(): Promise<{ workflowId: string; type: string; at: number }[]> {
  const starts: { workflowId: string; type: string; at: number }[] = [];
  const runs: WorkflowExecutionInfo[] = [];
  for await (const run of h.env.temporal.client.workflow.list()) runs.push(run);
  for (const { workflowId, runId } of runs) {
    const handle = h.env.temporal.client.workflow.getHandle(workflowId, runId);
    const { events } = await handle.fetchHistory();
    const types = new Map(events!.map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name ?? '']));
    for (const e of events!) {
      const started = e.activityTaskStartedEventAttributes;
      if (started) starts.push({ workflowId, type: types.get(String(started.scheduledEventId))!, at: tsToMs(e.eventTime) });
    }
    for (const p of (await handle.describe()).raw.pendingActivities ?? []) {
      if (p.lastStartedTime) starts.push({ workflowId, type: p.activityType?.name ?? '', at: tsToMs(p.lastStartedTime) });
    }
  }
  return starts;
}

test('SIGTERM during a launch: the launch finishes and is recorded, nothing new starts, the process exits 0', async () => {
  const wt = 'drain-builder';
  const { signalledAt, stoppingAt, releasedAt, exitedAt, exit } = await sigtermDuringLaunch(wt, String(GRACE_MS / 1000));
  expect(exit).toBe(0);
  // It waited for the held call, and no longer than the grace period and its margin.
  expect(exitedAt).toBeGreaterThanOrEqual(releasedAt);
  expect(exitedAt - signalledAt).toBeLessThanOrEqual(GRACE_MS + SHUTDOWN_FORCE_MARGIN_MS);
  const rows = await ledgerRows(wt);
  expect(rows).toHaveLength(1);
  expect(rows[0]!.instanceId).toMatch(/^i-/);
  expect(LIVE_STATES).toContain(rows[0]!.state);
  expect(await instancesInMoto(wt)).toEqual([rows[0]!.instanceId]);
  // The list sees the held launch's attempt (so it is not vacuous), and nothing that started
  // once the worker had closed its polls: the server may still hand a task to a poll that was
  // open when the signal came, in the moment it takes to cancel it, and that is no fault.
  const starts = await activityStarts();
  expect(starts).toContainEqual({ workflowId: workerTypeWorkflowId(wt), type: 'launchInstance', at: expect.any(Number) });
  expect(stoppingAt - signalledAt).toBeLessThan(1_000);
  expect(starts.filter((s) => s.at > stoppingAt + POLL_CLOSE_MS)).toEqual([]);
});

test('negative control: with a grace period of 1 ms the same launch is cancelled, and the ledger never learns its instance', async () => {
  const wt = 'cut-builder';
  const { releasedAt, exitedAt, exit } = await sigtermDuringLaunch(wt, '0.001');
  expect(exit).toBe(0);
  expect(exitedAt).toBeLessThan(releasedAt);
  // The held request still reaches EC2, but the attempt that sent it was cut off.
  await eventually(async () => (await instancesInMoto(wt)).length === 1, 'the held launch to land in moto', 30_000);
  expect(await ledgerRows(wt)).toEqual([expect.objectContaining({ state: 'requested', instanceId: null })]);
  const handle = h.env.temporal.client.workflow.getHandle(workerTypeWorkflowId(wt));
  const launch = (await handle.describe()).raw.pendingActivities?.find((p) => p.activityType?.name === 'launchInstance');
  expect(launch?.lastFailure?.message).toMatch(/shutting down/);
});
