// moto's EC2-compatible server, for tests and local development.
//
// moto is a Python package: it is installed once into a virtualenv under
// `<project>/.tools/moto-venv` (git-ignored) from PyPI (see python-venv.ts). The server is
// started with AMI, key pair and instance type validation on, so that a bad launch spec
// fails here as it would on AWS.
import http from 'node:http';
import { startChild, type RunningChild } from './child-process';
import { ensurePythonTool, projectRoot } from './python-venv';
import { freePort } from './local-host';

export { projectRoot };

/** The pinned moto release: 5.2.5 was checked with @aws-sdk/client-ec2 3.1169.0. */
const MOTO_REQUIREMENT = 'moto[server]==5.2.5';

const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Installs moto into `<toolsDir>/moto-venv` unless the pinned version is already there, and
 * returns the path of its `moto_server`. Idempotent and safe to call from several processes
 * at once; fast (no process started) when installed. Needs `python3` with venv and pip, and
 * PyPI the first time.
 */
export function ensureMoto(toolsDir?: string): Promise<string> {
  return ensurePythonTool({ venv: 'moto-venv', requirements: [MOTO_REQUIREMENT], executable: 'moto_server' }, toolsDir);
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
  /** Stops the server and its process group (SIGTERM, then SIGKILL after 5 s). Idempotent. */
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

/** Spawns moto and resolves once it answers; rejects (with its output) if it exits first. */
function launch(exe: string, port: number, onOutput?: (line: string) => void): Promise<RunningChild> {
  return startChild({
    name: 'moto_server', command: exe, args: ['-H', HOST, '-p', String(port)],
    // The child inherits this process's environment (PATH, proxies) plus the validation switches.
    env: {
      ...process.env,
      MOTO_ENABLE_AMI_VALIDATION: 'true',
      MOTO_ENABLE_KEYPAIR_VALIDATION: 'true',
      MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true',
    },
    ready: () => motoApi(port, 'GET', '/moto-api/').then(() => true),
    startupTimeoutMs: STARTUP_TIMEOUT_MS, stopTimeoutMs: STOP_TIMEOUT_MS,
    onLine: onOutput,
  });
}

/** Installs moto if needed, then starts it on 127.0.0.1. Stop it when done, or the process keeps running. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const exe = await ensureMoto(options.toolsDir);
  let child: RunningChild | undefined;
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
    stop: () => started.stop(),
  };
}
