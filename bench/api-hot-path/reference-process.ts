// Starts the reference server (reference-child.ts) on the benchmark database and stops it.
import { freePort } from '../../src/dev/local-host';
import type { CpuTime } from '../support/api-messages';
import { askCpu, exited, forkTs, nextMessage } from '../support/child-process';

export interface ReferenceProcess {
  url: string;
  pid: number;
  /** CPU time of the reference process since the previous call (or its start). */
  cpu(): Promise<CpuTime>;
  stop(): Promise<void>;
}

export async function startReferenceProcess(databaseUrl: string): Promise<ReferenceProcess> {
  const port = await freePort();
  const child = forkTs('bench/api-hot-path/reference-child.ts', { env: { DATABASE_URL: databaseUrl, PORT: String(port) } });
  const ready = await nextMessage<{ type: string; url?: string }, string>(child, (m) => (m.type === 'ready' ? m.url : undefined), 60_000);
  return {
    url: ready, pid: child.pid!,
    cpu: () => askCpu(child),
    stop: async () => {
      if (child.connected) child.send({ type: 'stop' });
      await exited(child, 10_000);
    },
  };
}
