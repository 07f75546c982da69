// A region of `size` instances for measuring inventory passes: the real refreshRegion
// activity, repositories and PostgreSQL, with EC2 played by FakeEc2Instances. Every pass is
// measured: the statements the activity sent (Prisma's query events), their database time,
// and which instance rows it wrote (rows whose `xmin`, the id of the transaction that last
// wrote them, changed). Shared by the inventory write tests and bench/inventory-pass.ts.
//
// The region holds `size` instances of worker type `wt` with ledger rows in state pending,
// never seen by a pass, plus 1 % each of: instances without a row (adopted), instances of a
// worker type that does not exist (reaped as rogue), and rows whose instance is gone.
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { inventoryActivities, type InventorySummary } from '../../activities/inventory';
import { createEc2Gateway } from '../../src/aws/ec2-gateway';
import { loadConfig } from '../../src/config';
import { prismaOnPool } from '../../src/db/client';
import { PrismaClient } from '../../src/generated/prisma/client';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { instanceTags } from '../../src/domain/instance-tags';
import { buildActivityDeps } from '../../src/worker/worker';
import { FakeEc2Instances, type FakeInstance } from './fake-ec2-instances';
import { workerTypeDefinition } from './fixtures';

export const SCENARIO_REGION = 'us-west-2';
const PROVISIONER_ID = 'inventory-bench';
const MIN = 60_000;

export interface PassMeasure {
  summary: InventorySummary;
  /** SQL statements the pass sent, as Prisma's query events report them: a transaction's COMMIT counts, its BEGIN does not. */
  statements: number;
  /** Sum of the statements' durations as Prisma measured them, ms. */
  dbMs: number;
  /** The whole activity, EC2 and planning included, ms. */
  wallMs: number;
  /** Instance rows the pass inserted or updated. */
  rowsWritten: number;
}

export interface InventoryScenario {
  fake: FakeEc2Instances;
  /** Ids of the `size` instances of worker type `wt`, in order. */
  instanceIds: string[];
  pass(): Promise<PassMeasure>;
  /** Milliseconds of one trivial statement through the same client (the median of `runs`). */
  trivialStatementMs(runs: number): Promise<number>;
  /**
   * Milliseconds of the per-row way of recording sightings, for comparison: one UPDATE of
   * `lastSeen` per instance row, for the first `count` rows, through the same client.
   */
  rowByRowMs(count: number): Promise<number>;
  close(): Promise<void>;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function instance(n: number, fields: Partial<FakeInstance>, workerType: string, now: number): FakeInstance {
  return {
    instanceId: `i-${hex(n, 17)}`, zone: `${SCENARIO_REGION}${'abc'[n % 3]}`, instanceType: 'c5.xlarge', state: 'running',
    launchTime: new Date(now - 2 * MIN), clientToken: `token-${hex(n, 17)}`, spot: true,
    tags: instanceTags(PROVISIONER_ID, workerType), ...fields,
  };
}

/** Ledger rows as RunInstances left them: pending, never seen by a pass. One INSERT, outside the measures. */
async function insertRows(pool: pg.Pool, rows: FakeInstance[], launchedAt: Date): Promise<void> {
  await pool.query(
    `INSERT INTO "Instance" ("clientToken", "instanceId", "workerType", region, zone, "instanceType", capacity, market, price, state, launched)
     SELECT t, i, 'wt', $3, z, 'c5.xlarge', 1, 'spot', 0.1, 'pending', $4 FROM unnest($1::text[], $2::text[], $5::text[]) AS r(t, i, z)`,
    [rows.map((r) => r.clientToken), rows.map((r) => r.instanceId), SCENARIO_REGION, launchedAt, rows.map((r) => r.zone)],
  );
}

async function rowVersions(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ token: string; xmin: string }>(`SELECT "clientToken" AS token, xmin::text AS xmin FROM "Instance"`);
  return new Map(rows.map((r) => [r.token, r.xmin]));
}

function changedRows(before: Map<string, string>, after: Map<string, string>): number {
  return [...after].filter(([token, xmin]) => before.get(token) !== xmin).length;
}

export async function createInventoryScenario(databaseUrl: string, size: number): Promise<InventoryScenario> {
  const now = Date.now();
  const extra = Math.max(1, Math.floor(size / 100));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const db = prismaOnPool(databaseUrl, 10, (adapter) => new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] }));
  let counting: { statements: number; dbMs: number } | null = null;
  db.$on('query', (e) => {
    if (counting) { counting.statements += 1; counting.dbMs += e.duration; }
  });

  const main = Array.from({ length: size }, (_, n) => instance(n, {}, 'wt', now));
  const adopted = Array.from({ length: extra }, (_, n) => instance(size + n, {}, 'wt', now));
  const rogue = Array.from({ length: extra }, (_, n) => instance(size + extra + n, {}, 'gone', now));
  const vanished = Array.from({ length: extra }, (_, n) => instance(size + 2 * extra + n, {}, 'wt', now));
  const fake = new FakeEc2Instances(SCENARIO_REGION);
  fake.put([...main, ...adopted, ...rogue]);
  await insertRows(pool, main, new Date(now - 2 * MIN));
  await insertRows(pool, vanished, new Date(now - 10 * MIN));

  const config = loadConfig({
    DATABASE_URL: databaseUrl, ROOT_ACCESS_TOKEN: 'inventory-scenario-root-token-0123', SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
    ALLOWED_REGIONS: SCENARIO_REGION, PROVISIONER_ID, TASKCLUSTER_ROOT_URL: 'http://127.0.0.1:9',
    // Never dialled: the inventory pass makes no Temporal or Queue call.
    TEMPORAL_ADDRESS: '127.0.0.1:9',
  });
  const clients = fake.clients();
  const ec2 = createEc2Gateway(clients);
  const deps = buildActivityDeps(config, db, { ec2 });
  await deps.repos.workerTypes.create('wt', workerTypeDefinition() as unknown as WorkerTypeDefinition, new Date(now));
  const { refreshRegion } = inventoryActivities(deps);
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });

  return {
    fake,
    instanceIds: main.map((i) => i.instanceId),
    async pass() {
      const before = await rowVersions(pool);
      counting = { statements: 0, dbMs: 0 };
      const started = performance.now();
      const summary = await env.run<[string], InventorySummary, typeof refreshRegion>(refreshRegion, SCENARIO_REGION);
      const wallMs = performance.now() - started;
      const { statements, dbMs } = counting;
      counting = null;
      return { summary, statements, dbMs, wallMs, rowsWritten: changedRows(before, await rowVersions(pool)) };
    },
    async trivialStatementMs(runs) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await db.$queryRaw`SELECT 1`;
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
    },
    async rowByRowMs(count) {
      const started = performance.now();
      for (const i of main.slice(0, count)) {
        await db.instance.update({ where: { clientToken: i.clientToken! }, data: { lastSeen: new Date() } });
      }
      return performance.now() - started;
    },
    async close() {
      await db.$disconnect();
      await pool.end();
      clients.destroy();
    },
  };
}
