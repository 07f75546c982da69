// The embedded development database: PGlite behind the wire protocol must take the real
// migrations and serve the generated Prisma client, and keep its data across restarts.
// The server runs in a child process (see embedded-postgres-process.ts for why); this
// file is the client side, as the API and worker processes are.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPrisma } from '../../src/db/client';
import { applyMigrations } from '../../src/db/migrate';
import { startEmbeddedPostgresProcess, type EmbeddedPostgresProcess } from '../support/embedded-postgres-process';

jest.setTimeout(60_000);

let dataDir: string;
let embedded: EmbeddedPostgresProcess | undefined;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-pg-'));
});

afterAll(async () => {
  await embedded?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const workerType = {
  name: 'embedded-test',
  description: 'a worker type stored in PGlite',
  owner: 'someone@example.com',
  minCapacity: 0,
  maxCapacity: 3,
  scalingRatio: 0,
  minPrice: 0,
  maxPrice: 0.5,
  canUseOndemand: false,
  canUseSpot: true,
  launchSpec: { ImageId: 'ami-123' },
  userData: {},
  secrets: {},
  scopes: ['queue:create-task:*'],
  instanceTypes: [{ instanceType: 'm5.large', capacity: 1, utility: 1 }],
  regions: [{ region: 'us-east-1' }],
  availabilityZones: [],
  lastModified: new Date('2024-01-01T00:00:00Z'),
};

test('migrations apply and the Prisma client creates and finds a row', async () => {
  embedded = await startEmbeddedPostgresProcess(dataDir);
  expect(embedded.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
  expect((await applyMigrations(embedded.url)).length).toBeGreaterThan(0);
  expect(await applyMigrations(embedded.url)).toEqual([]);

  const prisma = createPrisma(embedded.url);
  try {
    await prisma.workerType.create({ data: workerType });
    const found = await prisma.workerType.findUnique({ where: { name: workerType.name } });
    expect(found).toMatchObject({ ...workerType, revision: 1 });
    expect(found?.createdAt).toBeInstanceOf(Date);
  } finally {
    await prisma.$disconnect();
  }
});

test('several connections at once are served', async () => {
  const clients = Array.from({ length: 5 }, () => new pg.Client({ connectionString: embedded!.url }));
  await Promise.all(clients.map((c) => c.connect()));
  try {
    const counts = await Promise.all(clients.map((c) => c.query('SELECT count(*)::int AS n FROM "WorkerType"')));
    expect(counts.map((r) => r.rows[0].n)).toEqual([1, 1, 1, 1, 1]);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
});

test('data persists in the data directory across a restart', async () => {
  await embedded!.stop();
  embedded = await startEmbeddedPostgresProcess(dataDir);
  expect(await applyMigrations(embedded.url)).toEqual([]);
  const prisma = createPrisma(embedded.url);
  try {
    expect(await prisma.workerType.count()).toBe(1);
  } finally {
    await prisma.$disconnect();
  }
});
