// `npm run build`, what the image runs: it compiles the service and bundles the workflow code
// (dist/workflow-bundle.js); the built worker runs that bundle (no bundler at start), and the
// built client command works without tsx.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { PROJECT_ROOT } from '../support/run-tsx';
import { workerChildEnv } from '../support/worker-child-process';

jest.setTimeout(600_000);
const run = promisify(execFile);
const DIST = path.join(PROJECT_ROOT, 'dist');
const BUNDLE = path.join(DIST, 'workflow-bundle.js');
let h: ApiHarness | undefined;

beforeAll(async () => {
  fs.rmSync(BUNDLE, { force: true });
  await run('npm', ['run', 'build'], { cwd: PROJECT_ROOT, timeout: 480_000 });
});
afterAll(async () => { await h?.stop(); });

test('the build writes the workflow bundle, and the built worker picks it', () => {
  expect(fs.readFileSync(BUNDLE, 'utf8')).toContain('workerTypeWorkflow');
  const { workflowCode } = require(path.join(DIST, 'src/worker/workflow-code.js')) as typeof import('../../src/worker/workflow-code');
  expect(workflowCode()).toEqual({ workflowBundle: { codePath: BUNDLE } });
});

test('the prebuilt bundle replays a recorded history of the worker type loop', async () => {
  const file = path.join(PROJECT_ROOT, 'test/workflows/histories/worker-type-loop.run-1.json');
  const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
  await expect(Worker.runReplayHistory({ workflowBundle: { codePath: BUNDLE } }, history, 'worker-type-loop')).resolves.toBeUndefined();
});

test('the built worker role starts on the prebuilt bundle, polls, and stops on SIGTERM', async () => {
  // Waits for the line after the start (signals are handled from then on), then checks the earlier ones.
  h = await startApiHarness();
  const { TEST_WORKFLOW_BUNDLE: _unused, ...env } = workerChildEnv(h, { LOG_LEVEL: 'info' });
  const child = spawn(process.execPath, [path.join(DIST, 'src/main.js'), 'worker'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const polling = new Promise<void>((resolve, reject) => {
    const keep = (chunk: Buffer) => { output += chunk.toString(); if (output.includes('"msg":"started; SIGTERM or SIGINT stops it"')) resolve(); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    void exited.then((code) => reject(new Error(`the worker exited (${code}):\n${output}`)));
  });
  await polling;
  expect(output).toContain('"msg":"worker polling"');
  const start = output.split('\n').find((l) => l.includes('"msg":"starting the Temporal worker"'));
  expect(JSON.parse(start!)).toMatchObject({ workflowCode: `prebuilt bundle ${BUNDLE}` });
  child.kill('SIGTERM');
  await expect(exited).resolves.toBe(0);
});

test('the built client command prints its usage with --help and exits 0', async () => {
  const { stdout } = await run(process.execPath, [path.join(DIST, 'src/cli/client.js'), '--help'], { cwd: PROJECT_ROOT });
  expect(stdout).toMatch(/^usage: client <command>/);
  expect(stdout).toContain('node dist/src/cli/client.js');
});
