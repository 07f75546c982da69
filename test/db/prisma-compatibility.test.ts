// The schema side of the migrations, checked with Prisma's own schema engine:
// - drift: the migrations produce exactly prisma/schema.prisma, so a schema change
//   without a migration fails the suite;
// - bookkeeping: what applyMigrations records is what `prisma migrate deploy` expects,
//   and the other way round.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyMigrations, defaultMigrationsDir } from '../../src/db/migrate';
import { adminUrl, createTestDatabase, type TestDatabase } from '../support/database';
import { PROJECT_ROOT, runTsx, type RunResult } from '../support/run-tsx';

const CREATE_MIGRATION = 'scripts/create-migration.ts';
const ENGINE_CLI = 'test/support/schema-engine-cli.ts';

const databases: TestDatabase[] = [];
let tempDir: string;

beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prisma-compat-'));
});

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  fs.rmSync(tempDir, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  return db;
}

function check(args: string[] = []): Promise<RunResult> {
  return runTsx(CREATE_MIGRATION, ['--check', ...args], { MIGRATION_DATABASE_URL: adminUrl() });
}

function parseJson(result: RunResult): unknown {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout);
}

describe('drift between prisma/schema.prisma and prisma/migrations', () => {
  test('there is none (otherwise run `npm run db:migration -- <name>`)', async () => {
    const result = await check();
    expect(result.stdout).toContain('no changes');
    expect(result.code).toBe(0);
  });

  test('a schema change without a migration is detected', async () => {
    const schema = path.join(tempDir, 'schema.prisma');
    const original = fs.readFileSync(path.join(PROJECT_ROOT, 'prisma/schema.prisma'), 'utf8');
    fs.writeFileSync(schema, `${original}\nmodel DriftProbe {\n  id Int @id\n}\n`);
    const result = await check(['--schema', schema]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('CREATE TABLE "DriftProbe"');
  });
});

describe('agreement with Prisma about applied migrations', () => {
  const migrationNames = fs.readdirSync(defaultMigrationsDir(), { withFileTypes: true })
    .filter((e) => e.isDirectory()).map((e) => e.name).sort();

  test('Prisma sees migrations applied by applyMigrations as applied and unedited', async () => {
    const db = await emptyDatabase();
    await applyMigrations(db.url);
    expect(parseJson(await runTsx(ENGINE_CLI, ['diagnose', db.url]))).toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
    expect(parseJson(await runTsx(ENGINE_CLI, ['apply', db.url]))).toEqual({ appliedMigrationNames: [] });
  });

  test('applyMigrations accepts migrations applied by Prisma', async () => {
    const db = await emptyDatabase();
    expect(parseJson(await runTsx(ENGINE_CLI, ['apply', db.url]))).toEqual({ appliedMigrationNames: migrationNames });
    expect(await applyMigrations(db.url)).toEqual([]);
  });
});
