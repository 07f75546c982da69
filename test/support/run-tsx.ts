// Runs a TypeScript file of this project in a child Node process (through tsx) and
// collects its exit code and output; used for tools that cannot run inside jest.
import { execFile } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.join(__dirname, '..', '..');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Never rejects for a non-zero exit: the caller asserts on `code`. */
export function runTsx(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const cli = require.resolve('tsx/cli');
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, path.resolve(PROJECT_ROOT, file), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      timeout: 120_000,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
