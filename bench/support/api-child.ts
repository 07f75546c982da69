// The API process of a benchmark, forked by api-process.ts (node --import tsx): the real
// Koa app, repositories and PostgreSQL, configured from its environment as the service is,
// with the in-process stand-ins of stand-ins.ts for Temporal and EC2. Logs go to stdout,
// which the parent points at a file. It answers the messages of api-messages.ts and exits
// when the parent goes away (IPC disconnect), so a crashed benchmark leaves no server behind.
import fs from 'node:fs';
import { buildServices, startApiServer } from '../../src/api/server';
import { loadConfig } from '../../src/config';
import { createPrisma } from '../../src/db/client';
import { createLogger } from '../../src/logger';
import type { FromApi, MemoryPeaks, ToApi } from './api-messages';
import { cpuMeter } from './cpu-meter';
import { standInEc2, standInWorkflows, type CallCounts } from './stand-ins';

/** How often memory is sampled: often enough to see a request's garbage, cheap enough not to matter. */
const SAMPLE_MS = 10;

const send = (msg: FromApi): void => { process.send?.(msg); };

/**
 * Peak memory per period: V8's heap sampled, RSS from the kernel's high-water mark when Linux
 * lets us reset it. Sampling starts with the first period (the first `peaks` message): a
 * benchmark that never asks, such as api-hot-path, whose reference samples nothing, pays nothing.
 */
function memoryTracker(calls: CallCounts) {
  let rss = 0;
  let heap = 0;
  const kernelPeak = (): number | undefined => {
    try {
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
      return kb === undefined ? undefined : Number(kb) * 1024;
    } catch {
      return undefined;
    }
  };
  const resetKernelPeak = (): boolean => {
    try {
      fs.writeFileSync('/proc/self/clear_refs', '5'); // 5: reset the peak RSS (VmHWM) to the current RSS
      return true;
    } catch {
      return false;
    }
  };
  let kernel = resetKernelPeak();
  const sample = (): void => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  let sampling: NodeJS.Timeout | undefined;
  return (): MemoryPeaks => {
    sampling ??= setInterval(sample, SAMPLE_MS).unref();
    sample();
    const peaks = { rssBytes: Math.max(rss, kernel ? kernelPeak() ?? 0 : 0), heapBytes: heap, calls: { ...calls } };
    rss = 0;
    heap = 0;
    for (const key of Object.keys(calls)) delete calls[key];
    kernel = resetKernelPeak();
    return peaks;
  };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const db = createPrisma(config.databaseUrl!);
  const calls: CallCounts = {};
  const services = buildServices(config, db, logger, {
    workflows: standInWorkflows(config.allowedRegions, calls), ec2: standInEc2(config.allowedRegions, calls),
  });
  const api = await startApiServer(services, config.port, '127.0.0.1');
  const peaks = memoryTracker(calls);
  const cpu = cpuMeter();
  process.on('disconnect', () => process.exit(1));
  process.on('message', (msg: ToApi) => {
    if (msg.type === 'peaks') send({ type: 'peaks', ...peaks() });
    if (msg.type === 'cpu') send({ type: 'cpu', ...cpu() });
    if (msg.type === 'stop') {
      void api.close().then(() => db.$disconnect()).then(() => process.exit(0), () => process.exit(1));
    }
  });
  send({ type: 'ready', url: api.url, allowedRegions: config.allowedRegions });
}

main().catch((err: unknown) => {
  const msg: FromApi = { type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) };
  // Exits once the message is out, so the parent learns why instead of seeing a bare exit.
  if (process.send) process.send(msg, () => process.exit(1));
  else process.exit(1);
});
