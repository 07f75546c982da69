// The helper every dev-mode server starts through: readiness, and stopping the whole process
// group (what the child started included), after a successful start and after a failed one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChild, type ChildSpec } from '../../src/dev/child-process';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'child-process-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

/** A shell that starts a grandchild (`sleep`), writes its pid, and waits. */
function spec(overrides: Partial<ChildSpec> = {}): ChildSpec & { pidFile: string } {
  const pidFile = path.join(dir, 'grandchild.pid');
  return {
    name: 'test shell', command: 'sh', args: ['-c', `sleep 300 & echo $! > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; echo started; wait`],
    ready: async () => fs.existsSync(pidFile), startupTimeoutMs: 10_000, stopTimeoutMs: 2_000, pidFile, ...overrides,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return !alive(pid);
}

test('stop ends the child and what it started', async () => {
  const s = spec();
  const lines: string[] = [];
  const child = await startChild({ ...s, onLine: (line) => lines.push(line) });
  const grandchild = Number(fs.readFileSync(s.pidFile, 'utf8'));
  expect(alive(grandchild)).toBe(true);
  // Output is read asynchronously: the line may arrive just after readiness.
  for (let i = 0; i < 50 && !lines.includes('started'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(lines).toContain('started');
  await child.stop();
  await child.stop();
  expect(await gone(grandchild)).toBe(true);
});

test('a child that is never ready is stopped, group included, and the error carries its output', async () => {
  const s = spec({ ready: async () => false, startupTimeoutMs: 1_000 });
  await expect(startChild(s)).rejects.toThrow(/test shell did not start: not ready within 1000 ms\n(.|\n)*started/);
  expect(await gone(Number(fs.readFileSync(s.pidFile, 'utf8')))).toBe(true);
});

test('a child that exits during startup is an error naming its output', async () => {
  await expect(startChild(spec({ args: ['-c', 'echo boom; exit 3'], ready: async () => false })))
    .rejects.toThrow(/exited during startup\n(.|\n)*boom/);
  await expect(startChild(spec({ command: path.join(dir, 'no-such-program') }))).rejects.toThrow(/spawning .* failed/);
});
