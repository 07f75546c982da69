// Local servers (moto, the Temporal dev server) as child processes: each in a process group
// of its own, ready once a probe says so, and stopped with its whole group, so nothing it
// started outlives a stop, including the stop that follows a failed start.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChildSpec {
  /** Named in errors. */
  name: string;
  command: string;
  args: string[];
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the child serves; polled every 100 ms. A rejection counts as not yet. */
  ready: () => Promise<boolean>;
  startupTimeoutMs: number;
  /** Grace between SIGTERM and SIGKILL of the group on stop. */
  stopTimeoutMs: number;
  /** Receives every non-empty output line. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunningChild {
  /**
   * SIGTERM to the group, SIGKILL after stopTimeoutMs; resolves once the child has exited and
   * its output pipes closed (every process of the group holding them is gone). Idempotent.
   */
  stop(): Promise<void>;
  /** The last output lines, for error messages. */
  tail(): string;
}

const TAIL_LINES = 30;
const POLL_MS = 100;

/**
 * Spawns the child and resolves once `ready` says so. Throws, with the child's last output
 * lines, when it exits or is not ready within startupTimeoutMs; its group is stopped first.
 */
export async function startChild(spec: ChildSpec): Promise<RunningChild> {
  const child = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const tail: string[] = [];
  const note = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  readLines(child, (line, stream) => {
    note(line);
    spec.onLine?.(line, stream);
  });
  let exited = false;
  child.once('exit', () => { exited = true; });
  // `close` comes after `exit` once the output pipes are drained, so the tail is complete.
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', (err) => {
      exited = true;
      note(`spawning ${spec.command} failed: ${err.message}`);
      resolve();
    });
  });
  const running: RunningChild = { stop: () => stopGroup(child, closed, () => exited, spec.stopTimeoutMs), tail: () => tail.join('\n') };
  try {
    await waitReady(spec, () => exited);
  } catch (err) {
    await running.stop();
    throw new Error(`${spec.name} did not start: ${(err as Error).message}\n${running.tail()}`);
  }
  return running;
}

function readLines(child: ChildProcess, onLine: (line: string, stream: 'stdout' | 'stderr') => void): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter((l) => l.trim())) onLine(line, stream);
    });
  }
}

async function waitReady(spec: ChildSpec, hasExited: () => boolean): Promise<void> {
  for (const deadline = Date.now() + spec.startupTimeoutMs; ;) {
    if (hasExited()) throw new Error('it exited during startup');
    if (await spec.ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not ready within ${spec.startupTimeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Signals the child's process group; a group that is already gone is not an error. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function stopGroup(child: ChildProcess, closed: Promise<void>, hasExited: () => boolean, graceMs: number): Promise<void> {
  // Even after the child itself exited, what it started may still run in its group.
  signalGroup(child, hasExited() ? 'SIGKILL' : 'SIGTERM');
  const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await closed;
  clearTimeout(killer);
}
