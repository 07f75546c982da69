// `npm run dev` on a busy machine: a port it needs is taken. It fails with a message that names
// the port and the setting to change, and leaves nothing running that it started (the
// embedded database, the Temporal dev server, moto). The dev process gets an environment
// variable of its own, which everything it starts inherits, so each process it started (in
// its own process group and session, see src/dev/child-process.ts), even one orphaned by its
// exit, is found by it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../src/dev/local-host';
import { PROJECT_ROOT } from '../support/run-tsx';

jest.setTimeout(180_000);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-failed-start-'));
let busy: net.Server;
let busyPort = 0;

beforeAll(async () => {
  busy = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => busy.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const MARKER = 'DEV_FAILED_START_TEST_RUN';

/** Processes whose environment has MARKER=`run` (Linux /proc), with their command lines. */
function processesOf(run: string): string[] {
  const needle = `${MARKER}=${run}\0`;
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      if (!fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(needle)) return [];
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return []; // exited, not yet reaped
      return [`${pid}: ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`];
    } catch {
      return []; // gone meanwhile, or not ours to read
    }
  });
}

/**
 * Runs `src/main.ts dev` to its exit; returns its exit code, output, the command lines seen in
 * its session while it ran (sampled), and what of its session outlived it.
 */
async function runDev(env: Record<string, string>): Promise<{ code: number | null; output: string; seen: string; leftover: string[] }> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const run = randomUUID();
  const child = spawn(process.execPath, ['--import', tsx, path.join(PROJECT_ROOT, 'src/main.ts'), 'dev'], {
    cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, [MARKER]: run,
      DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: String(await freePort()), ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  const seen = new Set<string>();
  const sampler = setInterval(() => { for (const p of processesOf(run)) seen.add(p.replace(/^\d+: /, '')); }, 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  await new Promise((resolve) => setTimeout(resolve, 500)); // a process killed at the end may still be exiting
  const leftover = processesOf(run);
  for (const line of leftover) process.kill(Number(line.split(':')[0]), 'SIGKILL'); // never leak into other tests
  return { code, output, seen: [...seen].join('\n'), leftover };
}

test('a busy local Queue port: the error names DEV_QUEUE_PORT, and the database, Temporal and moto started before it are stopped', async () => {
  const result = await runDev({ DEV_QUEUE_PORT: String(busyPort), DEV_TEMPORAL_PORT: '0', DEV_TEMPORAL_UI_PORT: '0' });
  expect(result.output).toContain(`127.0.0.1:${busyPort} is already in use: set DEV_QUEUE_PORT`);
  expect(result.code).toBe(1);
  expect(result.leftover).toEqual([]);
  // It did get as far as starting them: the failure came last.
  expect(result.seen).toMatch(/temporal server start-dev/);
  expect(result.seen).toMatch(/moto_server/);
});

test('a busy Temporal port: the error names DEV_TEMPORAL_PORT and nothing is left running', async () => {
  const result = await runDev({ DEV_TEMPORAL_PORT: String(busyPort), DEV_QUEUE_PORT: '0' });
  expect(result.output).toContain(`127.0.0.1:${busyPort} (its gRPC frontend) is already in use: set DEV_TEMPORAL_PORT`);
  expect(result.code).toBe(1);
  expect(result.leftover).toEqual([]);
});
