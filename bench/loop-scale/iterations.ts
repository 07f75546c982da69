// When each loop iterated, read back from Temporal after the window, so that nothing polls
// the loops while they are measured. An iteration of a loop (lean iterations, the path of
// every new loop) is the `observeIteration` local activity: its marker in the history holds
// the time the observation completed on the worker, taken here as the iteration's time.
// Only a workflow's current run is read: a loop that continued as new during the run loses
// the iterations before (the note says how many loops did).
import type { Client } from '@temporalio/client';
import { workerTypeWorkflowId } from '../../src/temporal/names';
import { inParallel } from '../../src/worker/in-parallel';

/** Histories read at once: enough to be quick, few enough not to flood a dev server. */
const CONCURRENCY = 8;
const ITERATION_ACTIVITY = 'observeIteration';

export interface LoopIterations {
  workerType: string;
  /** Epoch ms of each iteration of the current run, in order. */
  times: number[];
  /** Whether the current run was continued from another (earlier iterations not read). */
  continued: boolean;
  /** Per iteration after the first: history events and workflow tasks since the previous one. */
  cost: Array<{ events: number; workflowTasks: number }>;
}

interface MarkerData { activity_type?: string; complete_time?: { seconds: number | string; nanos?: number } }

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

/** The local activity marker's own data (JSON), or undefined for other markers. */
function markerData(event: HistoryEvent): MarkerData | undefined {
  const attrs = event.markerRecordedEventAttributes;
  if (attrs?.markerName !== 'core_local_activity') return undefined;
  const bytes = attrs.details?.data?.payloads?.[0]?.data;
  return bytes ? JSON.parse(Buffer.from(bytes).toString('utf8')) as MarkerData : undefined;
}

function iterationTime(event: HistoryEvent): number | undefined {
  const data = markerData(event);
  if (data?.activity_type !== ITERATION_ACTIVITY) return undefined;
  const done = data.complete_time;
  return done ? Number(done.seconds) * 1000 + Math.floor((done.nanos ?? 0) / 1e6) : undefined;
}

async function readLoop(client: Client, workerType: string): Promise<LoopIterations> {
  const history = await client.workflow.getHandle(workerTypeWorkflowId(workerType)).fetchHistory();
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const marks = events.flatMap((e, i) => { const t = iterationTime(e); return t === undefined ? [] : [{ i, t }]; });
  return { workerType, times: marks.map((m) => m.t), continued: Boolean(started?.continuedExecutionRunId), cost: iterationCost(events, marks.map((m) => m.i)) };
}

/** What each iteration after the first added to the history: events, and completed workflow tasks among them. */
function iterationCost(events: HistoryEvent[], marks: number[]): LoopIterations['cost'] {
  return marks.slice(1).map((end, k) => {
    const slice = events.slice(marks[k]! + 1, end + 1);
    return { events: slice.length, workflowTasks: slice.filter((e) => e.workflowTaskCompletedEventAttributes).length };
  });
}

/** The iterations of every named loop, read CONCURRENCY histories at a time. */
export async function readIterations(client: Client, workerTypes: readonly string[]): Promise<LoopIterations[]> {
  const results = new Map<string, LoopIterations>();
  await inParallel(workerTypes, CONCURRENCY, async (workerType) => { results.set(workerType, await readLoop(client, workerType)); });
  return workerTypes.map((w) => results.get(w)!);
}
