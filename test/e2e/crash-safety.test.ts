// End to end, crash safety: the worker runs as a separate OS process and is SIGKILLed in the
// middle of provisioning, then a new one takes over. Whatever was in flight, EC2 ends up with
// exactly the capacity asked for, every instance is in the ledger under the ClientToken EC2
// holds for it, and every instance has exactly one one-time secret (the one its user data
// names). The proxy in front of moto makes EC2's ClientToken idempotency real.
//
// An activity that was running in the killed process is retried only when Temporal times it
// out (launchInstance: its heartbeat timeout; countPendingTasks: its start-to-close timeout),
// so the loop must be back within that timeout plus about one iteration.
//
// One scenario: the second kill hits the worker the first step started, with the instances it
// launched, so they run in this order as named steps of one test (see test/support/steps.ts).
import http from 'node:http';
import { hashToken } from '../../src/db/secret-box';
import { LIVE_STATES } from '../../src/db/ledger';
import { workerTypeWorkflowId } from '../../src/temporal/names';
import { LOOP_LAUNCH, LOOP_QUEUE } from '../../workflows/activity-options';
import { lastIterationQuery } from '../../workflows/messages';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { TEST_REGIONS } from '../support/environment';
import { eventually } from '../support/eventually';
import { workerTypeDefinition, SPOT_PRICES } from '../support/fixtures';
import { ownedInstances, userDataOf, type MotoInstance } from '../support/moto-inspect';
import { step } from '../support/steps';
import { killWorkerChildren, startWorkerChild as startChild, workerChildEnv, type WorkerChild } from '../support/worker-child-process';

jest.setTimeout(480_000); // the whole scenario; each wait inside has its own bound

const WT = 'crash-builder';
const N = 4;
/** Long enough that the kill surely lands before the held call is answered. */
const HOLD_MS = 5_000;
const INTERVAL_MS = 1_000;
/** The workflow task's hand-off from the dead worker's sticky queue, and the iteration's own work. */
const HANDOFF_ALLOWANCE_MS = 8_000;

let h: ApiHarness;
let queueFront: QueueFront;
let worker: WorkerChild | undefined;

beforeAll(async () => {
  h = await startApiHarness({ ITERATION_INTERVAL: String(INTERVAL_MS / 1000), INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
  h.env.ec2Proxy.setSpotPrices(SPOT_PRICES);
  queueFront = await startQueueFront(h.env.queue.url);
});

afterAll(async () => {
  // Runs even when a test failed half-way: no worker process may outlive the file.
  await killWorkerChildren();
  await queueFront?.close();
  await h?.stop();
});

// ---------------------------------------------------------------------------------------
// The worker process.

/** A worker process against this file's harness, asking the Queue through the front. */
function startWorkerChild(): Promise<WorkerChild> {
  return startChild(workerChildEnv(h, {
    TASKCLUSTER_ROOT_URL: queueFront.url, ITERATION_INTERVAL: String(INTERVAL_MS / 1000), INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1',
  }));
}

async function killWorker(child: WorkerChild): Promise<number> {
  child.proc.kill('SIGKILL');
  expect(await child.exited).toBe('SIGKILL');
  return Date.now();
}

// ---------------------------------------------------------------------------------------
// A front for the local Queue that can hold the next pendingTasks request.

interface QueueFront { url: string; hold(ms: number): void; held(): number; close(): Promise<void> }

async function startQueueFront(target: string): Promise<QueueFront> {
  let holdMs = 0;
  let held = 0;
  const server = http.createServer((req, res) => {
    res.on('error', () => undefined);
    void (async () => {
      if (holdMs > 0 && req.url?.includes(`/pending/${h.config.provisionerId}/${WT}`)) {
        const ms = holdMs;
        holdMs = 0;
        held++;
        await new Promise((resolve) => setTimeout(resolve, ms));
      }
      const answer = await fetch(`${target}${req.url}`, { method: req.method });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hold: (ms) => { holdMs = ms; },
    held: () => held,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

// ---------------------------------------------------------------------------------------
// What EC2, the ledger and the secrets hold.

const setPending = (n: number) => h.env.queue.setPending(h.config.provisionerId, WT, n);
const regionOfZone = (zone: string) => zone.slice(0, -1);

async function liveInMoto(): Promise<MotoInstance[]> {
  const lists = await Promise.all(TEST_REGIONS.map((r) => ownedInstances(h.env.rawEc2(r), h.config.provisionerId)));
  return lists.flat().filter((i) => i.tags.WorkerType === `${h.config.provisionerId}/${WT}`);
}

/** The last finished iteration of the worker type loop (a worker must be polling). */
const lastIteration = () => h.env.temporal.client.workflow.getHandle(workerTypeWorkflowId(WT)).query(lastIterationQuery);

/** Waits until an iteration that started after `since` has finished: everything begun before the kill is done. */
async function loopCaughtUp(since: number): Promise<number> {
  await eventually(async () => {
    const report = await lastIteration();
    return report !== null && Date.parse(report.at) > since;
  }, 'an iteration started after the restart to finish', 150_000, 250);
  return Date.now();
}

/**
 * The loop is back no later than: the interrupted activity's timeout (or the new worker, if
 * it came up later), its first retry delay, one iteration interval (jittered by up to 10 %)
 * for an iteration that starts after the kill, and the hand-off allowance. No ratios: each
 * term is a setting of the product.
 */
function resumeDeadline(killedAt: number, readyAt: number, timeoutMs: number, retryDelayMs: number): number {
  return Math.max(killedAt + timeoutMs, readyAt) + retryDelayMs + INTERVAL_MS * 1.1 + HANDOFF_ALLOWANCE_MS;
}

async function tokenHashOf(instance: MotoInstance): Promise<string> {
  const userData = await userDataOf(h.env.rawEc2(regionOfZone(instance.zone)), instance.id);
  expect(userData.securityToken).toEqual(expect.any(String));
  return hashToken(userData.securityToken as string);
}

/** moto, the ledger and the secrets agree: `n` live instances, each with one row and one secret. */
async function expectConsistent(n: number): Promise<void> {
  const live = await eventually(async () => {
    const [l, rows] = await Promise.all([liveInMoto(), h.db.instance.findMany({ where: { workerType: WT, state: { in: LIVE_STATES } } })]);
    return l.length === n && rows.length === n && rows.every((r) => r.instanceId) && l;
  }, `${n} live instances in moto and in the ledger`, 60_000);
  const rows = await h.db.instance.findMany({ where: { workerType: WT } });
  // Every row is one of the live instances: none lost, none left over from a duplicate launch.
  expect(rows).toHaveLength(n);
  expect(rows.map((r) => r.instanceId).sort()).toEqual(live.map((i) => i.id).sort());
  for (const instance of live) {
    const row = rows.find((r) => r.instanceId === instance.id)!;
    expect(LIVE_STATES).toContain(row.state);
    expect(instance.clientToken).toBe(row.clientToken);
  }
  const hashes = await Promise.all(live.map(tokenHashOf));
  expect(new Set(hashes).size).toBe(n);
  const secrets = await h.db.secret.findMany({ where: { workerType: WT } });
  expect(secrets.map((s) => s.tokenHash).sort()).toEqual([...hashes].sort());
}

// ---------------------------------------------------------------------------------------

async function killedWhileRunInstancesInFlight(): Promise<void> {
  worker = await startWorkerChild();
  await h.provisioner().createWorkerType(WT, workerTypeDefinition({ maxCapacity: 6 }));
  h.env.ec2Proxy.injectDelay({ action: 'RunInstances', ms: HOLD_MS, times: N });
  const runInstances = () => h.env.ec2Proxy.counts().RunInstances ?? 0;
  setPending(N);
  await eventually(async () => runInstances() >= 1, 'a RunInstances call at the proxy', 60_000, 50);
  const killedAt = await killWorker(worker);
  worker = undefined;

  // The kill landed mid-launch: reservations exist, and no answer from EC2 was recorded.
  const reserved = await h.db.instance.findMany({ where: { workerType: WT } });
  expect(reserved.length).toBeGreaterThanOrEqual(runInstances());
  expect(reserved.every((r) => r.state === 'requested' && r.instanceId === null)).toBe(true);
  // The held requests still reach moto: EC2 launches what the dead process never heard of.
  await eventually(async () => (await liveInMoto()).length >= runInstances(), 'the held launches to land in moto', 30_000);

  worker = await startWorkerChild();
  const readyAt = Date.now();
  const caughtUp = await loopCaughtUp(killedAt);
  expect(caughtUp).toBeLessThanOrEqual(resumeDeadline(killedAt, readyAt, LOOP_LAUNCH.heartbeatTimeout, LOOP_LAUNCH.retry.initialInterval));
  await expectConsistent(N);
  const report = await lastIteration();
  expect(report).toMatchObject({ pendingTasks: N, change: 0, launched: [] });
  // A few more iterations change nothing: no late duplicate.
  const iteration = report!.iteration;
  await eventually(async () => (await lastIteration())!.iteration >= iteration + 3, 'three more iterations');
  await expectConsistent(N);
}

async function killedWhileAskingTheQueue(): Promise<void> {
  expect(worker).toBeDefined();
  const before = queueFront.held();
  queueFront.hold(HOLD_MS);
  setPending(N + 2);
  await eventually(async () => queueFront.held() > before, 'the loop to ask the Queue', 30_000, 50);
  const killedAt = await killWorker(worker!);
  worker = undefined;
  // Nothing of the new target was reserved before the kill.
  expect(await h.db.instance.count({ where: { workerType: WT } })).toBe(N);

  worker = await startWorkerChild();
  const readyAt = Date.now();
  const caughtUp = await loopCaughtUp(killedAt);
  expect(caughtUp).toBeLessThanOrEqual(resumeDeadline(killedAt, readyAt, LOOP_QUEUE.startToCloseTimeout, LOOP_QUEUE.retry.initialInterval));
  await expectConsistent(N + 2);
  const iteration = (await lastIteration())!.iteration;
  await eventually(async () => (await lastIteration())!.iteration >= iteration + 3, 'three more iterations');
  await expectConsistent(N + 2);
  expect(await lastIteration()).toMatchObject({ pendingTasks: N + 2, change: 0, launched: [] });
}

test('crash safety: a worker SIGKILLed mid-launch, then mid-iteration', async () => {
  await step(`a worker killed while RunInstances is in flight: exactly ${N} instances, each in the ledger with one secret`, killedWhileRunInstancesInFlight);
  await step('a worker killed mid-iteration, while asking the Queue: the new target is reached exactly', killedWhileAskingTheQueue);
});
