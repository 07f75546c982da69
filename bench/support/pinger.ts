// The parent side of ping-child.ts: a pinger process kept for the whole benchmark, so the
// reference and the measurement under load come from the same process.
import type { ChildProcess } from 'node:child_process';
import { exited, forkTs, nextMessage } from './child-process';
import type { FromPinger, PingRun, ToPinger } from './ping-child';

export type { PingRun };

export interface Pinger {
  /** Pings for `durationMs`; resolves with every latency once the last call is answered. */
  run(durationMs: number): Promise<PingRun>;
  stop(): Promise<void>;
}

/** How long the last ping may take beyond the run's duration (taskcluster-client's own timeout is 30 s). */
const SLACK_MS = 60_000;

const START_TIMEOUT_MS = 60_000;

export async function startPinger(apiUrl: string): Promise<Pinger> {
  const child: ChildProcess = forkTs('bench/support/ping-child.ts');
  // A message sent before the child listens would be lost.
  await nextMessage<FromPinger, true>(child, (msg) => (msg.type === 'ready' ? true : undefined), START_TIMEOUT_MS);
  return {
    run: (durationMs) => {
      const answer = nextMessage<FromPinger, PingRun>(child, (msg) => (msg.type === 'result' ? msg : undefined), durationMs + SLACK_MS);
      child.send({ type: 'run', url: apiUrl, durationMs } satisfies ToPinger);
      return answer;
    },
    stop: async () => {
      if (child.connected) child.disconnect();
      await exited(child, 5_000);
    },
  };
}
