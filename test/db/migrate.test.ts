// applyMigrations against a real PostgreSQL: bookkeeping identical to Prisma's,
// idempotence, refusal of edited migrations, and concurrent starts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { MigrationChecksumError, applyMigrations, defaultMigrationsDir } from '../../src/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

const migrationsDir = defaultMigrationsDir();
const migrationNames = fs.readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory()).map((e) => e.name).sort();

const databases: TestDatabase[] = [];
const tempDirs: string[] = [];

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  return db;
}

/** A copy of the project's migrations that a test may edit. */
function copyOfMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  fs.cpSync(migrationsDir, dir, { recursive: true });
  tempDirs.push(dir);
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
  logs: string | null;
}

const rowsOf = (url: string) => query<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('the project has at least one migration', () => {
  expect(migrationNames.length).toBeGreaterThan(0);
});

test('applies every migration to an empty database and records it as Prisma does', async () => {
  const db = await emptyDatabase();
  const logged: string[] = [];
  expect(await applyMigrations(db.url, { log: (m) => logged.push(m) })).toEqual(migrationNames);
  expect(logged).toHaveLength(migrationNames.length);

  const rows = await rowsOf(db.url);
  expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
  for (const row of rows) {
    const file = fs.readFileSync(path.join(migrationsDir, row.migration_name, 'migration.sql'));
    expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    expect(row.rolled_back_at).toBeNull();
    expect(row.logs).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
  const tables = await query<{ tablename: string }>(db.url,
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = 'WorkerType'");
  expect(tables).toHaveLength(1);
});

test('a second run applies nothing', async () => {
  const db = await emptyDatabase();
  await applyMigrations(db.url);
  const before = await rowsOf(db.url);
  expect(await applyMigrations(db.url)).toEqual([]);
  expect(await rowsOf(db.url)).toEqual(before);
});

test('refuses to start when an applied migration was edited, naming it', async () => {
  const db = await emptyDatabase();
  const dir = copyOfMigrations();
  await applyMigrations(db.url, { migrationsDir: dir });
  const edited = migrationNames[0]!;
  fs.appendFileSync(path.join(dir, edited, 'migration.sql'), '\n-- an afterthought\n');

  const attempt = applyMigrations(db.url, { migrationsDir: dir });
  await expect(attempt).rejects.toThrow(MigrationChecksumError);
  await expect(applyMigrations(db.url, { migrationsDir: dir })).rejects.toThrow(edited);
});

test('refuses a checksum changed in the table as well', async () => {
  const db = await emptyDatabase();
  await applyMigrations(db.url);
  await query(db.url, `UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);
  await expect(applyMigrations(db.url)).rejects.toThrow(/was modified after it was applied/);
});

test('accepts a migration whose line endings were converted (as Prisma does)', async () => {
  const db = await emptyDatabase();
  const dir = copyOfMigrations();
  await applyMigrations(db.url, { migrationsDir: dir });
  const file = path.join(dir, migrationNames[0]!, 'migration.sql');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
  expect(await applyMigrations(db.url, { migrationsDir: dir })).toEqual([]);
});

test('two replicas starting at once both succeed and apply each migration once', async () => {
  const db = await emptyDatabase();
  const results = await Promise.all([applyMigrations(db.url), applyMigrations(db.url)]);
  expect([...results[0], ...results[1]].sort()).toEqual(migrationNames);
  expect(results.some((r) => r.length === 0)).toBe(true);
  expect(await rowsOf(db.url)).toHaveLength(migrationNames.length);
});

test('a failing migration is rolled back entirely and named in the error', async () => {
  const db = await emptyDatabase();
  const dir = copyOfMigrations();
  const broken = '99991231235959_broken';
  fs.mkdirSync(path.join(dir, broken));
  fs.writeFileSync(path.join(dir, broken, 'migration.sql'),
    'CREATE TABLE "Half" (id INT);\nSELECT no_such_function();\n');

  await expect(applyMigrations(db.url, { migrationsDir: dir })).rejects.toThrow(broken);
  expect((await rowsOf(db.url)).map((r) => r.migration_name)).toEqual(migrationNames);
  const half = await query(db.url, "SELECT 1 FROM pg_tables WHERE tablename = 'Half'");
  expect(half).toHaveLength(0);
});

test('a migration applied by a newer release is tolerated', async () => {
  const db = await emptyDatabase();
  const dir = copyOfMigrations();
  const newer = '99991231235959_newer';
  fs.mkdirSync(path.join(dir, newer));
  fs.writeFileSync(path.join(dir, newer, 'migration.sql'), 'SELECT 1;\n');
  await applyMigrations(db.url, { migrationsDir: dir });

  const logged: string[] = [];
  expect(await applyMigrations(db.url, { log: (m) => logged.push(m) })).toEqual([]);
  expect(logged.join('\n')).toContain(newer);
});
