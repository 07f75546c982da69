// Python tools the project runs locally (moto's EC2 server, schemathesis), each installed
// from PyPI into its own virtualenv under `<project>/.tools/<name>` (git-ignored). pip's own
// cache, outside the project, makes a reinstall quicker.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './local-host';

export { projectRoot };

const INSTALL_TIMEOUT_MS = 10 * 60_000;
/** Holds the requirements a virtualenv was filled with; written last, so a half-done install is redone. */
const MARKER = '.installed-requirement';


const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a command; rejects with its exit status and the end of its output. */
function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: INSTALL_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const code = (err as NodeJS.ErrnoException).code;
      const hint = code === 'ENOENT' ? ` (is ${cmd} installed and on PATH?)` : '';
      reject(new Error(`\`${cmd} ${args.join(' ')}\` failed${hint}: ${err.message}\n${`${stdout}${stderr}`.slice(-3000)}`));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock whose owner died, or that got no owner within 30 s (its owner died right after taking it). */
function isStale(lockDir: string): boolean {
  try {
    const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    return owner > 0 && !processAlive(owner);
  } catch {
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
}

/**
 * A directory lock shared by processes (jest runs test files in several workers). A lock
 * whose owner died is taken over.
 */
async function withLock<T>(lockDir: string, body: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isStale(lockDir)) fs.rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      else await sleep(500);
    }
  }
  try {
    return await body();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

export interface PythonTool {
  /** Folder name of the virtualenv under the tools directory, e.g. `moto-venv`. */
  venv: string;
  /** pip requirement specifiers, pinned (`name==version`). */
  requirements: string[];
  /** The console script whose path is returned, e.g. `moto_server`. */
  executable: string;
}

function isInstalled(venv: string, exe: string, marker: string): boolean {
  try {
    return fs.readFileSync(path.join(venv, MARKER), 'utf8') === marker && fs.existsSync(exe);
  } catch {
    return false;
  }
}

/**
 * Creates `<toolsDir>/<tool.venv>` and installs the requirements unless exactly these are
 * already there (a changed pin reinstalls from scratch), and returns the executable's path.
 * Idempotent and safe to call from several processes at once; fast (no process started)
 * when installed. Needs `python3` with venv and pip, and PyPI the first time.
 */
export async function ensurePythonTool(tool: PythonTool, toolsDir: string = path.join(projectRoot(), '.tools')): Promise<string> {
  const venv = path.join(toolsDir, tool.venv);
  const exe = path.join(venv, 'bin', tool.executable);
  const marker = tool.requirements.join('\n');
  if (isInstalled(venv, exe, marker)) return exe;
  fs.mkdirSync(toolsDir, { recursive: true });
  await withLock(`${venv}.lock`, async () => {
    if (isInstalled(venv, exe, marker)) return;
    fs.rmSync(venv, { recursive: true, force: true });
    await run('python3', ['-m', 'venv', venv]);
    await run(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', ...tool.requirements]);
    fs.writeFileSync(path.join(venv, MARKER), marker);
  });
  return exe;
}
