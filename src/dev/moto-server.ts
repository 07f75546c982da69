// moto's EC2-compatible server, for tests and local development.
//
// moto is a Python package: it is installed once into a virtualenv under
// `<project>/.tools/moto-venv` (git-ignored) from PyPI; pip's own cache, outside the
// project, makes a reinstall quicker. The server is started with AMI, key pair and instance
// type validation on, so that a bad launch spec fails here as it would on AWS.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

/** The pinned moto release: 5.2.5 was checked with @aws-sdk/client-ec2 3.1169.0. */
export const MOTO_REQUIREMENT = 'moto[server]==5.2.5';

const HOST = '127.0.0.1';
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
const MARKER = '.installed-requirement';

/** The nearest directory above `from` holding a package.json (works from src/ and dist/src/). */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

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

function isInstalled(venv: string, exe: string): boolean {
  try {
    return fs.readFileSync(path.join(venv, MARKER), 'utf8') === MOTO_REQUIREMENT && fs.existsSync(exe);
  } catch {
    return false;
  }
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

/**
 * Installs moto into `<toolsDir>/moto-venv` unless the pinned version is already there, and
 * returns the path of its `moto_server`. Idempotent and safe to call from several processes
 * at once; fast (no process started) when installed. Needs `python3` with venv and pip, and
 * PyPI the first time.
 */
export async function ensureMoto(toolsDir: string = path.join(projectRoot(), '.tools')): Promise<string> {
  const venv = path.join(toolsDir, 'moto-venv');
  const exe = path.join(venv, 'bin', 'moto_server');
  if (isInstalled(venv, exe)) return exe;
  fs.mkdirSync(toolsDir, { recursive: true });
  await withLock(`${venv}.lock`, async () => {
    if (isInstalled(venv, exe)) return;
    fs.rmSync(venv, { recursive: true, force: true });
    await run('python3', ['-m', 'venv', venv]);
    await run(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', MOTO_REQUIREMENT]);
    fs.writeFileSync(path.join(venv, MARKER), MOTO_REQUIREMENT);
  });
  return exe;
}

/** A port that was free a moment ago; the kernel picks it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

/** One request to the server's own API; resolves with the HTTP status, rejects when nothing answers. */
function motoApi(port: number, method: 'GET' | 'POST', apiPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, method, path: apiPath, agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export interface MotoServer {
  /** http://127.0.0.1:<port>, for the SDK's `endpoint`. */
  url: string;
  port: number;
  /** Forgets every resource in every region (moto's POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Default: a free port. */
  port?: number;
  /** Where moto is installed; default `<project>/.tools`. */
  toolsDir?: string;
  /** Receives the server's output lines (one per request); dropped when absent. */
  onOutput?: (line: string) => void;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Spawns moto and resolves once it answers; rejects (with its output) if it exits first. */
async function launch(exe: string, port: number, onOutput?: (line: string) => void): Promise<ChildProcess> {
  // The child inherits this process's environment (PATH, proxies) plus the validation switches.
  const env = {
    ...process.env,
    MOTO_ENABLE_AMI_VALIDATION: 'true',
    MOTO_ENABLE_KEYPAIR_VALIDATION: 'true',
    MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true',
  };
  const child = spawn(exe, ['-H', HOST, '-p', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      onOutput?.(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited during startup:\n${tail.join('\n')}`);
    }
    if (await motoApi(port, 'GET', '/moto-api/').then(() => true, () => false)) return child;
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`moto_server did not answer on port ${port} within ${STARTUP_TIMEOUT_MS} ms:\n${tail.join('\n')}`);
    }
    await sleep(100);
  }
}

/** Installs moto if needed, then starts it on 127.0.0.1. Stop it when done, or the process keeps running. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const exe = await ensureMoto(options.toolsDir);
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;
  // A free port may be taken between choosing it and moto binding it: try a few.
  for (let attempt = 1; !child; attempt++) {
    port = options.port ?? (await freePort());
    try {
      child = await launch(exe, port, options.onOutput);
    } catch (err) {
      if (options.port !== undefined || attempt >= 3 || !/in use/i.test(String(err))) throw err;
    }
  }
  const started = child;
  return {
    url: `http://${HOST}:${port}`,
    port,
    reset: async () => {
      const status = await motoApi(port, 'POST', '/moto-api/reset');
      if (status !== 200) throw new Error(`moto reset answered HTTP ${status}`);
    },
    stop: () => stopProcess(started),
  };
}
