// Forks a TypeScript file of the benchmarks as a Node process of its own (node --import
// tsx), with an IPC channel: load generators and the API under test must not share an
// event loop, or each one's pauses show up in the other's figures.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.join(__dirname, '..', '..');

export interface ForkOptions {
  /** The whole environment of the child but PATH and HOME, which are the parent's. Default: the parent's. */
  env?: Record<string, string>;
  /** Where the child's stdout and stderr go: a file descriptor, or 'inherit'. Default 'inherit'. */
  output?: number | 'inherit';
}

export function forkTs(file: string, options: ForkOptions = {}): ChildProcess {
  const output = options.output ?? 'inherit';
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return fork(path.join(PROJECT_ROOT, file), [], {
    cwd: PROJECT_ROOT, // where `--import tsx` is resolved
    execArgv: ['--import', 'tsx'],
    env: { ...base, ...(options.env ?? process.env) },
    stdio: ['ignore', output, output, 'ipc'],
  });
}

/**
 * The first message `accept` maps to a value; rejects when the child exits first, when
 * `accept` throws, or after `timeoutMs`.
 */
export function nextMessage<M, T>(child: ChildProcess, accept: (msg: M) => T | undefined, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      fn();
    };
    const onMessage = (msg: M) => {
      try {
        const value = accept(msg);
        if (value !== undefined) done(() => resolve(value));
      } catch (err) {
        done(() => reject(err));
      }
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`child process exited (code ${code}) before answering`)));
    const timer = setTimeout(() => done(() => reject(new Error(`no answer from the child process within ${timeoutMs} ms`))), timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Resolves when the child has exited; kills it (SIGKILL) if it has not within `graceMs`. */
export function exited(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
  });
}

/** Asks a server child for its CPU time of the period ending now (`cpu` of api-messages.ts). */
export function askCpu(child: ChildProcess): Promise<{ userMicros: number; systemMicros: number }> {
  type Cpu = { type: string; userMicros: number; systemMicros: number };
  const answer = nextMessage<Cpu, Cpu>(child, (msg) => (msg.type === 'cpu' ? msg : undefined), 60_000);
  child.send({ type: 'cpu' });
  return answer.then(({ userMicros, systemMicros }) => ({ userMicros, systemMicros }));
}
