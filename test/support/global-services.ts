// The shared services of a test run, started once by the jest global setup next to
// PostgreSQL: the moto EC2 server (test files isolate themselves by provisionerId, which is
// the Owner tag), the temporal CLI (each test file starts its own dev server) and the
// workflow bundle (built once instead of once per file).
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

interface Started { moto?: MotoServer; bundleDir: string }

export async function startGlobalServices(log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  await ensureTemporalCli();
  await ensureMoto();
  const state: Started = { bundleDir: fs.mkdtempSync(path.join(os.tmpdir(), 'provisioner-bundle-')) };
  (globalThis as Record<string, unknown>)[KEY] = state;
  if (!process.env[MOTO_URL_ENV]) {
    state.moto = await startMoto();
    process.env[MOTO_URL_ENV] = state.moto.url;
  }
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const file = path.join(state.bundleDir, 'workflows.js');
  fs.writeFileSync(file, bundle.code);
  process.env[WORKFLOW_BUNDLE_ENV] = file;
  log(`test moto, temporal CLI and workflow bundle ready in ${Date.now() - started} ms`);
}

export async function stopGlobalServices(): Promise<void> {
  const store = globalThis as Record<string, unknown>;
  const state = store[KEY] as Started | undefined;
  if (!state) return;
  delete store[KEY];
  await state.moto?.stop();
  if (state.moto) delete process.env[MOTO_URL_ENV];
  fs.rmSync(state.bundleDir, { recursive: true, force: true });
}

const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => process.stderr.write(`bundler: ${message}\n`),
  error: (message: string) => process.stderr.write(`bundler: ${message}\n`),
};
