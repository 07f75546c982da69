// `npm run dev` as a newcomer runs it (the `dev` role in its own process), with its local root
// URL: a docker-worker of the 2019 generation, which knows nothing but
// `<taskclusterRootUrl>/api/aws-provisioner/v1`, boots on an instance the dev loop launched and
// gets its secret through that root URL. The database and Temporal are the test's own (dev mode
// uses what is configured); the root URL, the API and the worker are dev mode's.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../../src/dev/local-host';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { prepareFixtures } from '../support/environment';
import { startEc2Proxy, type Ec2Proxy } from '../support/ec2-proxy';
import { startPricingStandIn, type PricingStandIn } from '../support/pricing-standin';
import { eventually } from '../support/eventually';
import { workerTypeDefinition } from '../support/fixtures';
import { MOTO_URL_ENV } from '../support/global-services';
import { ownedInstances, userDataOf } from '../support/moto-inspect';
import { boot } from '../support/real-workers/docker-worker';
import { startImds, type Imds } from '../support/real-workers/imds';
import { PROJECT_ROOT } from '../support/run-tsx';
import { startTestTemporal } from '../support/temporal';

// taskcluster-client 1.6.3 is CommonJS without types.
const taskcluster = require('taskcluster-client');

jest.setTimeout(240_000);

const PROVISIONER_ID = `dev-${process.pid}`;
const WT = 'dev-builder';
let database: TestDatabase;
let temporal: TestWorkflowEnvironment;
let proxy: Ec2Proxy;
let pricing: PricingStandIn;
let dev: ChildProcess | undefined;
let imds: Imds | undefined;
const output: string[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-mode-'));
const ec2 = new EC2Client({ region: 'us-west-2', endpoint: process.env[MOTO_URL_ENV], credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** Starts `src/main.ts dev` and resolves once it has printed its addresses. */
async function startDev(env: NodeJS.ProcessEnv): Promise<void> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  dev = spawn(process.execPath, ['--import', tsx, path.join(PROJECT_ROOT, 'src/main.ts'), 'dev'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = dev;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev mode not ready after 120 s:\n${output.join('')}`)), 120_000);
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.join('').includes('Root URL:') && output.join('').includes('API:')) { clearTimeout(timer); resolve(); }
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`dev mode exited (${code}):\n${output.join('')}`)); });
  });
}

let apiPort = 0;
let rootPort = 0;

beforeAll(async () => {
  [database, temporal, proxy, apiPort, rootPort, pricing] = await Promise.all([
    createTestDatabase(), startTestTemporal(), startEc2Proxy(process.env[MOTO_URL_ENV]!), freePort(), freePort(), startPricingStandIn(),
  ]);
  await prepareFixtures(() => ec2);
  proxy.setSpotPrices(['a', 'b', 'c'].map((z) => ({ region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.xlarge', price: 0.1 })));
  await startDev({
    PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR,
    PORT: String(apiPort), DEV_QUEUE_PORT: String(rootPort), DATA_DIR: dataDir, PROVISIONER_ID,
    WORKER_METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0', METRICS_HOST: '127.0.0.1',
    DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, AWS_ENDPOINT_URL_EC2: proxy.url,
    AWS_ENDPOINT_URL_PRICING: pricing.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', ALLOWED_REGIONS: 'us-west-2',
    ITERATION_INTERVAL: '1', INVENTORY_INTERVAL: '1', SPOT_PRICE_INTERVAL: '1', LOG_LEVEL: 'warn',
  });
});

afterAll(async () => {
  await imds?.stop();
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once('exit', resolve));
    dev.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (dev.exitCode === null) dev.kill('SIGKILL');
  }
  dev?.stdout?.destroy();
  dev?.stderr?.destroy();
  await temporal?.teardown();
  await Promise.all([database?.drop(), proxy?.close(), pricing?.close()]);
  ec2.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a docker-worker that knows only the dev root URL gets its secret', async () => {
  const rootUrl = `http://127.0.0.1:${rootPort}`;
  expect(output.join('')).toContain(`Root URL:     ${rootUrl}`);
  const accessToken = fs.readFileSync(path.join(dataDir, 'root-access-token'), 'utf8').trim();
  const provisioner = new taskcluster.AwsProvisioner({ baseUrl: `http://127.0.0.1:${apiPort}/v1`, credentials: { clientId: 'root', accessToken }, retries: 0 });
  const usWest2 = (workerTypeDefinition().regions as Array<{ region: string }>).filter((r) => r.region === 'us-west-2');
  await provisioner.createWorkerType(WT, workerTypeDefinition({ regions: usWest2, maxCapacity: 1 }));
  const put = await fetch(`${rootUrl}/api/queue/v1/pending/${PROVISIONER_ID}/${WT}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pendingTasks: 1 }),
  });
  expect(put.status).toBe(200);
  const [instance] = await eventually(async () => { const l = await ownedInstances(ec2, PROVISIONER_ID); return l.length > 0 && l; }, 'a launch', 60_000);
  imds = await startImds(ec2, instance!.id);
  const worker = await boot({ imdsUrl: imds.url, profile: 'docker-worker-2019' });
  expect(worker.workerType).toBe(WT);
  // This profile reaches the provisioner only at <taskclusterRootUrl>/api/aws-provisioner/v1.
  expect(await userDataOf(ec2, instance!.id)).toMatchObject({ taskclusterRootUrl: rootUrl, provisionerBaseUrl: `http://127.0.0.1:${apiPort}/v1` });
  expect(worker.calls.filter((c) => c.what.startsWith('provisioner '))).toEqual([
    expect.objectContaining({ what: 'provisioner getSecret', status: 200 }),
    expect.objectContaining({ what: 'provisioner removeSecret', status: 204 }),
    expect.objectContaining({ what: 'provisioner workerType', status: 200 }),
  ]);
  const state = await provisioner.state(WT);
  expect(state.instances).toEqual([expect.objectContaining({ id: instance!.id, capacityState: 'running', registeredBy: 'getSecret' })]);
});
