// A process that only calls `ping` (anonymous, through taskcluster-client), one call after
// another, and reports each call's latency: run apart from the load generators so their
// pauses (parsing megabytes of answers) are not counted as the API's.
//
// IPC: { type: 'ready' } once it listens; then { type: 'run', url, durationMs } ->
// { type: 'result', latenciesMs, statuses, noAnswer }: one latency per 2xx answer, other
// answers counted by HTTP status, calls without an answer by client error code.
import { performance } from 'node:perf_hooks';
import { callFailure, provisionerClient } from './provisioner-client';
import { bump } from './stats';

export interface PingRun {
  latenciesMs: number[];
  statuses: Record<string, number>;
  noAnswer: Record<string, number>;
}

export type ToPinger = { type: 'run'; url: string; durationMs: number };
export type FromPinger = { type: 'ready' } | ({ type: 'result' } & PingRun);

async function run(url: string, durationMs: number): Promise<PingRun> {
  const client = provisionerClient(url);
  const result: PingRun = { latenciesMs: [], statuses: {}, noAnswer: {} };
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    const start = performance.now();
    try {
      await client.ping();
      result.latenciesMs.push(performance.now() - start);
    } catch (err) {
      const f = callFailure(err);
      if (f.status === undefined) bump(result.noAnswer, f.code);
      else bump(result.statuses, String(f.status));
    }
  }
  return result;
}

process.on('disconnect', () => process.exit(0));
process.on('message', (msg: ToPinger) => {
  if (msg.type !== 'run') return;
  void run(msg.url, msg.durationMs).then((r) => process.send?.({ type: 'result', ...r } satisfies FromPinger));
});
process.send?.({ type: 'ready' } satisfies FromPinger);
