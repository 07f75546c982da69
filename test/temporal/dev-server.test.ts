import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startTemporalDevServer } from '../../src/dev/temporal-cli';
import {
  REGION,
  WORKER_TYPE,
  searchAttributeCliTypes,
  type SearchAttributeCliType,
} from '../../src/temporal/search-attributes';
import { startTestTemporal, TEMPORAL_STARTUP_TIMEOUT_MS } from '../support/temporal';
import { echoWorkflow } from './fixtures/echo-workflow';

/** Polls a condition that visibility makes true eventually; fails after `ms`. */
async function eventually<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  for (const deadline = Date.now() + ms; ; ) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the Temporal test environment', () => {
  let env: TestWorkflowEnvironment;
  let workflowBundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    const started = Date.now();
    const bundling = bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/echo-workflow'), logger: quietLogger });
    env = await startTestTemporal();
    console.log(`createLocal took ${Date.now() - started} ms`);
    workflowBundle = await bundling;
  }, TEMPORAL_STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await env?.teardown();
  });

  async function runEcho(workflowId: string, workerType: string, region: string): Promise<string> {
    const taskQueue = `echo-${workflowId}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    return worker.runUntil(
      env.client.workflow.execute(echoWorkflow, {
        workflowId,
        taskQueue,
        args: ['hello', region],
        typedSearchAttributes: [{ key: WORKER_TYPE, value: workerType }],
      }),
    );
  }

  it('runs a bundled workflow on a worker', async () => {
    await expect(runEcho('echo-1', 'other', 'eu-west-1')).resolves.toBe('echo: hello');
  });

  it('finds workflows by the WorkerType set at start and the Region upserted by the workflow', async () => {
    await runEcho('echo-2', 'x', 'us-east-1');
    const ids = async (query: string) => {
      const found: string[] = [];
      for await (const wf of env.client.workflow.list({ query })) found.push(wf.workflowId);
      return found;
    };
    await eventually(async () => ((await ids('WorkerType = "x"')).length ? true : undefined));
    expect(await ids('WorkerType = "x"')).toEqual(['echo-2']);
    expect(await ids('Region = "us-east-1"')).toEqual(['echo-2']);
  });
});

describe('startTemporalDevServer', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-dev-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(
    'serves the frontend and the UI, keeps its SQLite file, and adds attributes missing from it',
    async () => {
      const [port, uiPort] = [await freePort(), await freePort()];
      const dbFile = path.join(dir, 'nested', 'temporal.sqlite');
      const start = (searchAttributes: Record<string, SearchAttributeCliType>) =>
        startTemporalDevServer({ dbFile, port, uiPort, searchAttributes, log: () => undefined });
      const first = await start({ WorkerType: 'Keyword' });
      try {
        expect(first.address).toBe(`127.0.0.1:${port}`);
        expect((await fetch(first.uiUrl)).status).toBe(200);
      } finally {
        await first.stop();
      }
      expect(fs.existsSync(dbFile)).toBe(true);

      const second = await start(searchAttributeCliTypes());
      try {
        const connection = await Connection.connect({ address: second.address });
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
        await connection.close();
        expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining([WORKER_TYPE.name, REGION.name]));
      } finally {
        await second.stop();
      }
    },
    TEMPORAL_STARTUP_TIMEOUT_MS,
  );

  it('fails at once when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const starting = startTemporalDevServer({ port, uiPort: await freePort(), searchAttributes: {}, log: () => undefined });
      await expect(starting).rejects.toThrow(`127.0.0.1:${port} (its gRPC frontend) is already in use`);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('fails with the server output when the server exits', async () => {
    const searchAttributes = { Bad: 'NoSuchType' as SearchAttributeCliType };
    const starting = startTemporalDevServer({ port: await freePort(), uiPort: await freePort(), searchAttributes, log: () => undefined });
    await expect(starting).rejects.toThrow(/did not start: it exited during startup[\s\S]*invalid search attribute value type/);
  }, 60_000);
});

const quiet = () => undefined;
const quietLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
