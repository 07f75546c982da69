// Starts the real API in a process of its own (api-child.ts) on a benchmark database, so its
// memory and its event loop are its own, and the benchmark can read its peaks.
//
// Contract: resolves once the API listens; stop() closes it gracefully (SIGKILL after
// STOP_GRACE_MS) and deletes its log file unless `keepLog`. The log (JSON lines, stdout and
// stderr of the API) is at `logFile` until then.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/dev/local-host';
import type { CpuTime, FromApi, MemoryPeaks, ToApi } from './api-messages';
import { askCpu, exited, forkTs, nextMessage } from './child-process';

const START_TIMEOUT_MS = 60_000;
const PEAKS_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;

export interface ApiProcess {
  url: string;
  pid: number;
  /** Access token of the built-in `root` client, random per run. */
  rootAccessToken: string;
  allowedRegions: string[];
  logFile: string;
  /** Peaks since the previous call (or the start); starts a new period. */
  peaks(): Promise<MemoryPeaks>;
  /** CPU time of the API process since the previous call (or its start); starts a new period. */
  cpu(): Promise<CpuTime>;
  stop(options?: { keepLog?: boolean }): Promise<void>;
}

/** `env` adds to or overrides the configuration below (e.g. RATE_LIMIT_WRITES_PER_MINUTE). */
export async function startApiProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  const rootAccessToken = randomBytes(24).toString('base64url');
  const logFile = path.join(os.tmpdir(), `bench-api-${process.pid}-${port}.log`);
  const log = fs.openSync(logFile, 'w');
  const child = forkTs('bench/support/api-child.ts', {
    output: log,
    env: {
      DATABASE_URL: databaseUrl, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
      ROOT_ACCESS_TOKEN: rootAccessToken, SECRETS_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'info',
      // Only written into user data; nothing calls it.
      TASKCLUSTER_ROOT_URL: 'https://tc.example.com',
      // Required by the production configuration; the workflow stand-in never dials it.
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      ...env,
    },
  });
  fs.closeSync(log); // the child holds its own copy
  const ready = await nextMessage<FromApi, { url: string; allowedRegions: string[] }>(child, (msg) => {
    if (msg.type === 'failed') throw new Error(`the API did not start: ${msg.message}`);
    return msg.type === 'ready' ? msg : undefined;
  }, START_TIMEOUT_MS).catch(async (err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n(API log: ${logFile})`);
  });
  const ask = (msg: ToApi) => child.send(msg);
  return {
    url: ready.url, pid: child.pid!, rootAccessToken, allowedRegions: ready.allowedRegions, logFile,
    peaks: () => {
      const answer = nextMessage<FromApi, MemoryPeaks>(child, (msg) => (msg.type === 'peaks' ? msg : undefined), PEAKS_TIMEOUT_MS);
      ask({ type: 'peaks' });
      return answer;
    },
    cpu: () => askCpu(child),
    stop: async (options = {}) => {
      if (child.connected) ask({ type: 'stop' });
      await exited(child, STOP_GRACE_MS);
      if (!options.keepLog) fs.rmSync(logFile, { force: true });
    },
  };
}
