// Records the workflow histories that test/workflows/replay.test.ts replays against the current
// workflow code.
//
//   npx tsx test/workflows/record-histories.ts
//
// It starts what the jest global setup starts (PostgreSQL, moto, the workflow bundle) and one
// test environment (its own Temporal dev server, database, EC2 proxy and Queue server), runs the
// real worker and workflows through these scenarios, and writes every run of each workflow to
// test/workflows/histories/<scenario>.run-<n>.json (the JSON format of `temporal workflow show
// --output json` and of the Web UI's download), replacing earlier files of the same scenario:
//  - worker-type-loop: a worker type loop with a short run length, so it continues as new;
//    it launches for pending tasks (one launch fails for capacity and is retried elsewhere),
//    gets a terminate-all signal, then its definition is removed;
//  - region-inventory: the first few inventory passes of a region;
//  - shutdown-everything: the mass termination workflow, and shutdown-signalled-loop, the loop
//    it signalled (terminate-all from another workflow), until that worker type is removed.
// Takes about a minute.
//
// Record again to add scenarios or after a change that old runs no longer need to replay. When
// replay fails for a change to workflow code, the change needs `patched()` instead: workflows
// already running in production have histories like these.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createWorkerTypeRepository } from '../../src/db/worker-types';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { TASK_QUEUE, regionWorkflowId, workerTypeWorkflowId } from '../../src/temporal/names';
import { WORKER_TYPE } from '../../src/temporal/search-attributes';
import { definitionChangedSignal, inventoryPassesQuery, lastIterationQuery } from '../../workflows/messages';
import type { WorkerTypeWorkflowInput } from '../../workflows/worker-type-workflow';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';
import { ownedInstances } from '../support/moto-inspect';

export const HISTORIES_DIR = path.join(__dirname, 'histories');
const REGION = 'us-west-2';
const RECORDED_REGION = 'us-east-1';
const LOOP = 'recorded-builder';
const SIGNALLED = 'recorded-other';
/** Short runs, so the recorded loop continues as new (and later runs start from carried state). */
const ITERATIONS_PER_RUN = 2;

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Only us-west-2: one region loop feeds the worker types. Built late: the AMIs are known once the environment runs. */
const definition = (overrides: Record<string, unknown>) =>
  workerTypeDefinition({ regions: (workerTypeDefinition().regions as unknown[]).slice(0, 1), ...overrides }) as unknown as WorkerTypeDefinition;

function setPrices(env: TestEnvironment): void {
  env.ec2Proxy.setSpotPrices(['a', 'b', 'c'].flatMap((z) => [
    { region: REGION, zone: `${REGION}${z}`, instanceType: 'c5.xlarge', price: 0.1 },
    { region: REGION, zone: `${REGION}${z}`, instanceType: 'c5.2xlarge', price: 0.3 },
  ]));
}

async function liveInstances(env: TestEnvironment, workerType: string): Promise<number> {
  const all = await ownedInstances(env.rawEc2(REGION), env.config.provisionerId);
  return all.filter((i) => i.tags.WorkerType === `${env.config.provisionerId}/${workerType}`).length;
}

/** Resolves once the loop's lastIteration query reports an iteration past `after`. */
async function iterationPast(handle: WorkflowHandle, after: number): Promise<number> {
  return eventually(async () => {
    const report = await handle.query(lastIterationQuery);
    return report && report.iteration > after ? report.iteration : undefined;
  }, `an iteration after ${after}`, 60_000);
}

async function recordLoop(env: TestEnvironment): Promise<void> {
  const repo = createWorkerTypeRepository(env.db);
  const client = env.temporal.client;
  await repo.create(LOOP, definition({ maxCapacity: 4 }), new Date());
  const input: WorkerTypeWorkflowInput = {
    workerType: LOOP, intervalMs: env.config.timing.iterationIntervalMs, allowedRegions: env.config.allowedRegions,
    cooldownMs: env.config.timing.capacityCooldownMs, iterationsPerRun: ITERATIONS_PER_RUN,
  };
  const handle = await client.workflow.signalWithStart('workerTypeWorkflow', {
    workflowId: workerTypeWorkflowId(LOOP), taskQueue: TASK_QUEUE, args: [input], signal: definitionChangedSignal,
    typedSearchAttributes: [{ key: WORKER_TYPE, value: LOOP }],
  });
  const loop = client.workflow.getHandle(handle.workflowId);
  await env.workflows.refreshRegions([REGION]);
  // One zone has no capacity: the iteration cools it down and launches in another zone.
  env.ec2Proxy.injectFault({
    action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: Infinity, match: (p) => p.get('Placement.AvailabilityZone') === `${REGION}a`,
  });
  env.queue.setPending(env.config.provisionerId, LOOP, 2);
  await eventually(async () => (await liveInstances(env, LOOP)) === 2, 'two launched instances', 90_000);
  env.ec2Proxy.reset();
  setPrices(env);
  log('launched');
  env.queue.setPending(env.config.provisionerId, LOOP, 0);
  const before = await iterationPast(loop, 0);
  await env.workflows.terminateAll(LOOP);
  await eventually(async () => (await liveInstances(env, LOOP)) === 0, 'terminate-all to leave none', 60_000);
  await iterationPast(loop, before + 2);
  log('terminated all');
  await repo.remove(LOOP);
  await env.workflows.workerTypeRemoved(LOOP);
  log(`loop finished: ${await loop.result()}`);
}

async function recordShutdown(env: TestEnvironment): Promise<string> {
  const repo = createWorkerTypeRepository(env.db);
  await repo.create(SIGNALLED, definition({ minCapacity: 1 }), new Date());
  await env.workflows.workerTypeChanged(SIGNALLED);
  await eventually(async () => (await liveInstances(env, SIGNALLED)) === 1, 'the minCapacity instance', 90_000);
  await repo.update(SIGNALLED, definition({ minCapacity: 0 }), new Date(), (await repo.getVersioned(SIGNALLED))!.revision);
  await env.workflows.workerTypeChanged(SIGNALLED);
  const loop = env.temporal.client.workflow.getHandle(workerTypeWorkflowId(SIGNALLED));
  const before = await iterationPast(loop, 0);
  const shutdownId = await env.workflows.shutdownEverything('recorded');
  log(`shutdown: ${JSON.stringify(await env.workflows.shutdownResult(shutdownId))}`);
  await eventually(async () => (await liveInstances(env, SIGNALLED)) === 0, 'shutdown to leave none', 60_000);
  await iterationPast(loop, before + 2);
  await repo.remove(SIGNALLED);
  await env.workflows.workerTypeRemoved(SIGNALLED);
  log(`signalled loop finished: ${await loop.result()}`);
  return shutdownId;
}

/** Every run of a workflow id, first run first, following continue-as-new links back from the latest. */
async function saveRuns(env: TestEnvironment, workflowId: string, scenario: string): Promise<void> {
  for (const old of fs.readdirSync(HISTORIES_DIR).filter((f) => f.startsWith(`${scenario}.run-`))) {
    fs.rmSync(path.join(HISTORIES_DIR, old));
  }
  const runs: string[] = [];
  let runId: string | undefined = (await env.temporal.client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history = await env.temporal.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(historyToJSON(history));
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  runs.forEach((json, i) => fs.writeFileSync(path.join(HISTORIES_DIR, `${scenario}.run-${i + 1}.json`), `${json}\n`));
  log(`${scenario}: ${runs.length} run(s) saved`);
}

async function main(): Promise<void> {
  await globalSetup();
  let env: TestEnvironment | undefined;
  try {
    env = await startTestEnvironment({ ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' });
    setPrices(env);
    await env.startWorker();
    await env.workflows.ensureRegionLoop(REGION);
    await recordLoop(env);
    const shutdownId = await recordShutdown(env);
    // A loop of its own, started last, so its history holds a few passes rather than the whole run.
    await env.workflows.ensureRegionLoop(RECORDED_REGION);
    const region = env.temporal.client.workflow.getHandle(regionWorkflowId(RECORDED_REGION));
    await eventually(async () => (await region.query(inventoryPassesQuery)) >= 3, 'three inventory passes');
    // Cut between passes, so the recorded region history ends on a timer rather than mid-task.
    await sleep(300);
    fs.mkdirSync(HISTORIES_DIR, { recursive: true });
    await saveRuns(env, workerTypeWorkflowId(LOOP), 'worker-type-loop');
    await saveRuns(env, workerTypeWorkflowId(SIGNALLED), 'shutdown-signalled-loop');
    await saveRuns(env, shutdownId, 'shutdown-everything');
    await saveRuns(env, regionWorkflowId(RECORDED_REGION), 'region-inventory');
  } finally {
    await env?.stop();
    await globalTeardown();
  }
}

if (require.main === module) {
  main().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
