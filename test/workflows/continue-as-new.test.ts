// Continue-as-new of the worker type loop on a real server that suggests it early (after 40
// history events instead of 4096): the loop hands its state to the next run, the iteration
// counter keeps counting, the WorkerType search attribute stays on the new run (so the API and
// operators still find it), and messages reach whichever run is current.
//
// One scenario: the search attribute is checked on the chain that continue-as-new built, and
// the removal ends that chain, so they run in this order as named steps of one test (see
// test/support/steps.ts).
import type { WorkflowExecutionInfo, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { createWorkerTypeRepository } from '../../src/db/worker-types';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { workerTypeWorkflowId } from '../../src/temporal/names';
import { WORKER_TYPE } from '../../src/temporal/search-attributes';
import { lastIterationQuery } from '../../workflows/messages';
import type { WorkerTypeLoopState } from '../../workflows/worker-type-workflow';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { step } from '../support/steps';
import { TEMPORAL_STARTUP_TIMEOUT_MS } from '../support/temporal';

jest.setTimeout(360_000); // the whole scenario; each wait inside has its own bound

const WT = 'can-builder';
const SUGGEST_AFTER_EVENTS = 40;
/** The loop's own cap when the server does not suggest continue-as-new (workflows/worker-type-workflow.ts). */
const DEFAULT_ITERATIONS_PER_RUN = 500;
let env: TestEnvironment;
let loop: WorkflowHandle;

beforeAll(async () => {
  env = await startTestEnvironment(
    { ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1' },
    { temporal: { dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': SUGGEST_AFTER_EVENTS } } },
  );
  const onlyWest = (workerTypeDefinition().regions as unknown[]).slice(0, 1);
  const created = await createWorkerTypeRepository(env.db).create(WT, workerTypeDefinition({ regions: onlyWest }) as unknown as WorkerTypeDefinition, new Date());
  expect(created.outcome).toBe('created');
  await env.startWorker();
  await env.workflows.workerTypeChanged(WT);
  loop = env.temporal.client.workflow.getHandle(workerTypeWorkflowId(WT));
}, TEMPORAL_STARTUP_TIMEOUT_MS);

afterAll(async () => { await env?.stop(); });

async function listRuns(query: string): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  for await (const run of env.temporal.client.workflow.list({ query })) runs.push(run);
  return runs;
}

interface Run { runId: string; status: string; historyLength: number; carried: WorkerTypeLoopState | undefined; finalIteration: number }

/** Every run of the loop so far, first run first, following the continue-as-new links back from the current one. */
async function chain(): Promise<Run[]> {
  const runs: Run[] = [];
  let runId: string | undefined = (await loop.describe()).runId;
  while (runId) {
    const handle: WorkflowHandle = env.temporal.client.workflow.getHandle(loop.workflowId, runId);
    const [desc, history, report] = await Promise.all([handle.describe(), handle.fetchHistory(), handle.query(lastIterationQuery)]);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const carriedPayload = started?.input?.payloads?.[1];
    runs.unshift({
      runId, status: desc.status.name, historyLength: desc.historyLength, finalIteration: report?.iteration ?? 0,
      carried: carriedPayload ? defaultPayloadConverter.fromPayload<WorkerTypeLoopState>(carriedPayload) : undefined,
    });
    runId = started?.continuedExecutionRunId || undefined;
  }
  return runs;
}

async function continuesAsNewCarryingTheCounter(): Promise<void> {
  const runs = await eventually(async () => {
    const all = await chain();
    const last = all[all.length - 1]!;
    const previous = all[all.length - 2];
    // Retried if the current run continued as new while the chain was being read, or has not
    // finished its own first iteration yet (its query then answers the carried report).
    return all.length >= 3 && last.status === 'RUNNING' && last.finalIteration > (previous?.finalIteration ?? 0) ? all : undefined;
  }, 'two continue-as-new and an iteration on the third run', 60_000);
  const current = runs[runs.length - 1]!;
  const closed = runs.slice(0, -1);

  expect(current.status).toBe('RUNNING');
  expect((await loop.describe()).raw.workflowExecutionInfo?.firstRunId).toBe(runs[0]!.runId);
  expect(current.runId).not.toBe(runs[0]!.runId);
  expect(runs[0]!.carried).toBeUndefined();
  closed.forEach((run, i) => {
    expect(run.status).toBe('CONTINUED_AS_NEW');
    // The server's suggestion ended the run, long before the loop's own cap.
    expect(run.historyLength).toBeLessThan(SUGGEST_AFTER_EVENTS * 3);
    const iterationsInRun = run.finalIteration - (run.carried?.iteration ?? 0);
    expect(iterationsInRun).toBeGreaterThanOrEqual(1);
    expect(iterationsInRun).toBeLessThan(DEFAULT_ITERATIONS_PER_RUN);
    // The next run starts from exactly the state this one ended with.
    const next = runs[i + 1]!;
    expect(next.carried).toMatchObject({ schema: 1, iteration: run.finalIteration });
    expect(next.carried?.lastReport?.iteration).toBe(run.finalIteration);
  });
  const finals = runs.map((r) => r.finalIteration);
  expect(finals).toEqual([...finals].sort((a, b) => a - b));
  expect(new Set(finals).size).toBe(finals.length);
  expect(current.finalIteration).toBeGreaterThan(closed[closed.length - 1]!.finalIteration);
}

async function searchAttributeOnTheCurrentRun(): Promise<void> {
  const current = await loop.describe();
  expect(current.runId).not.toBe(current.raw.workflowExecutionInfo?.firstRunId);
  expect(current.typedSearchAttributes.get(WORKER_TYPE)).toBe(WT);
  // Visibility lags a little behind each continue-as-new, so wait for one open run that is not the first.
  const found = await eventually(async () => {
    const runs = await listRuns(`WorkerType = "${WT}" AND ExecutionStatus = "Running"`);
    return runs.length === 1 && runs[0]!.runId !== current.raw.workflowExecutionInfo?.firstRunId ? runs[0] : undefined;
  }, 'exactly one open, continued run found by WorkerType');
  expect(found.workflowId).toBe(workerTypeWorkflowId(WT));
  expect(found.typedSearchAttributes.get(WORKER_TYPE)).toBe(WT);
  // Every run of the chain carries it, not only the first and the current one.
  const all = await eventually(async () => {
    const runs = await listRuns(`WorkflowId = "${workerTypeWorkflowId(WT)}"`);
    return runs.length >= 3 ? runs : undefined;
  }, 'the runs in visibility');
  for (const run of all) expect(run.typedSearchAttributes.get(WORKER_TYPE)).toBe(WT);
}

async function removalReachesTheCurrentRun(): Promise<void> {
  const before = await loop.describe();
  expect(await createWorkerTypeRepository(env.db).remove(WT)).toBe(true);
  await env.workflows.workerTypeRemoved(WT);
  await expect(loop.result()).resolves.toMatch(/^removed, 0 instance\(s\) terminated$/);
  const after = await loop.describe();
  expect(after.status.name).toBe('COMPLETED');
  // The removal may itself land right after another continue-as-new; either way the chain is the same.
  expect(after.raw.workflowExecutionInfo?.firstRunId).toBe(before.raw.workflowExecutionInfo?.firstRunId);
}

test('continue-as-new: the chain of runs, its search attribute, and its removal', async () => {
  await step('the loop continues as new when the server suggests it, carrying its iteration counter', continuesAsNewCarryingTheCounter);
  await step('the WorkerType search attribute is still on the current run, and only one run is open', searchAttributeOnTheCurrentRun);
  await step('a removal signal sent to the workflow id reaches the current run and ends the chain', removalReachesTheCurrentRun);
});
