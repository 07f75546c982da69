// Starts ./worker-child.ts (the worker role) as an OS process for tests that kill it or stop
// it with a signal. Every process started here is tracked until it exits; call
// `killWorkerChildren()` in afterAll so none outlives the test file, even after a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT_TOKEN, SECRETS_KEY, type ApiHarness } from './api-harness';
import { WORKFLOW_BUNDLE_ENV } from './global-services';
import { PROJECT_ROOT } from './run-tsx';
import { READY_LINE } from './worker-child';

const CHILD_ENTRY = path.join(PROJECT_ROOT, 'test', 'support', 'worker-child.ts');
const READY_TIMEOUT_MS = 90_000;

export interface WorkerChild {
  proc: ChildProcess;
  /** The last 400 chunks of stdout and stderr. */
  output: string[];
  /** Resolves with the signal that killed it, or else its exit code. */
  exited: Promise<NodeJS.Signals | number | null>;
}

const alive = new Set<ChildProcess>();

/** The environment of a worker role against the harness's database, Temporal and EC2 proxy. */
export function workerChildEnv(h: ApiHarness, settings: Record<string, string>): NodeJS.ProcessEnv {
  const { config, env } = h;
  return {
    PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR,
    DATABASE_URL: h.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, TEMPORAL_NAMESPACE: env.temporal.namespace ?? 'default',
    AWS_ENDPOINT_URL_EC2: env.ec2Proxy.url, AWS_ENDPOINT_URL_PRICING: env.pricing.url, TASKCLUSTER_ROOT_URL: env.queue.url, PUBLIC_URL: h.url,
    PROVISIONER_ID: config.provisionerId, SECRETS_KEY, ROOT_ACCESS_TOKEN: ROOT_TOKEN, ALLOWED_REGIONS: config.allowedRegions.join(','),
    LOG_LEVEL: 'info', TEST_WORKFLOW_BUNDLE: process.env[WORKFLOW_BUNDLE_ENV],
    // Several children may run at once: free ports, not the production defaults.
    WORKER_METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', ...settings,
  };
}

/**
 * What to run: by default ./worker-child.ts under tsx, ready at READY_LINE. `built` runs a
 * compiled entry (`node <mainJs> worker`, as the image does), ready at its "worker polling" log line.
 */
export interface WorkerChildCommand { built?: { mainJs: string } }

/** The built worker logs this once it polls and has started every loop (src/processes/worker-process.ts). */
const BUILT_READY_LINE = '"msg":"worker polling"';

/**
 * Starts a worker process and resolves once it polls (and has started every loop); rejects
 * with its output if it dies first or is not ready within `readyTimeoutMs`.
 */
export async function startWorkerChild(
  env: NodeJS.ProcessEnv, readyTimeoutMs = READY_TIMEOUT_MS, command: WorkerChildCommand = {},
): Promise<WorkerChild> {
  const args = command.built ? [command.built.mainJs, 'worker'] : ['--import', pathToFileURL(require.resolve('tsx')).href, CHILD_ENTRY];
  const readyLine = command.built ? BUILT_READY_LINE : READY_LINE;
  const proc = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  alive.add(proc);
  const output: string[] = [];
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.once('exit', (code, signal) => { alive.delete(proc); resolve(signal ?? code); }));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker process not ready after ${readyTimeoutMs / 1000} s:\n${output.join('')}`)), readyTimeoutMs);
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.length > 400) output.splice(0, output.length - 400);
      if (chunk.toString('utf8').includes(readyLine)) { clearTimeout(timer); resolve(); }
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    void exited.then((how) => { clearTimeout(timer); reject(new Error(`worker process exited (${String(how)}):\n${output.join('')}`)); });
  });
  return { proc, output, exited };
}

/** SIGKILLs every worker process still running and waits until they are gone. */
export async function killWorkerChildren(): Promise<void> {
  await Promise.all([...alive].map((proc) => new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  })));
}
