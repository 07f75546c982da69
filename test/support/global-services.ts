// The shared services of a test run, started once by the jest global setup next to
// PostgreSQL: the moto EC2 server (test files isolate themselves by provisionerId, which is
// the Owner tag), the temporal CLI (each test file starts its own dev server) and the
// workflow bundle (built once instead of once per file). The fast workflow tests need only
// the last two (startWorkflowServices).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureMoto, startMoto, type MotoServer } from '../../src/dev/moto-server';
import { ensureTemporalCli } from '../../src/dev/temporal-cli';
import { WORKFLOWS_PATH } from '../../src/worker/worker';

export const MOTO_URL_ENV = 'TEST_MOTO_URL';
export const WORKFLOW_BUNDLE_ENV = 'TEST_WORKFLOW_BUNDLE';
const KEY = '__provisionerTestServices';

interface Started { moto?: MotoServer; bundleDir?: string }

function startedServices(): Started {
  const store = globalThis as Record<string, unknown>;
  return (store[KEY] ??= {}) as Started;
}

export async function startGlobalServices(log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  await ensureTemporalCli();
  await ensureMoto();
  const state = startedServices();
  if (!process.env[MOTO_URL_ENV]) {
    state.moto = await startMoto();
    process.env[MOTO_URL_ENV] = state.moto.url;
  }
  await ensureWorkflowBundle();
  log(`test moto, temporal CLI and workflow bundle ready in ${Date.now() - started} ms`);
}

/** The temporal CLI and the workflow bundle: all the fast workflow tests need. */
export async function startWorkflowServices(log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  await ensureTemporalCli();
  await ensureWorkflowBundle();
  log(`temporal CLI and workflow bundle ready in ${Date.now() - started} ms`);
}

/**
 * Bundles workflows/ once per run into a temporary file named by WORKFLOW_BUNDLE_ENV. Several
 * jest projects' global setups call this in one run: the first one bundles, the others reuse it.
 */
async function ensureWorkflowBundle(): Promise<void> {
  const state = startedServices();
  if (state.bundleDir && process.env[WORKFLOW_BUNDLE_ENV]) return;
  state.bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'provisioner-bundle-'));
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const file = path.join(state.bundleDir, 'workflows.js');
  fs.writeFileSync(file, bundle.code);
  process.env[WORKFLOW_BUNDLE_ENV] = file;
}

/** Idempotent: every project's global teardown calls it. */
export async function stopGlobalServices(): Promise<void> {
  const store = globalThis as Record<string, unknown>;
  const state = store[KEY] as Started | undefined;
  if (!state) return;
  delete store[KEY];
  await state.moto?.stop();
  if (state.moto) delete process.env[MOTO_URL_ENV];
  if (state.bundleDir) {
    fs.rmSync(state.bundleDir, { recursive: true, force: true });
    delete process.env[WORKFLOW_BUNDLE_ENV];
  }
}

const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
};
