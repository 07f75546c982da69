// Applies prisma/migrations/*/migration.sql at start, recording each one in
// `_prisma_migrations` exactly as Prisma's schema engine does (same table, same column
// meanings, checksum = SHA-256 hex of the file), so `prisma migrate deploy` and
// `prisma migrate status` elsewhere treat these migrations as applied and vice versa.
//
// Safe with several replicas starting at once: the whole run holds a PostgreSQL advisory
// lock (the key Prisma's engine takes for migrations, so it also excludes a concurrent
// `prisma migrate deploy`); the replicas that wait find nothing left to apply.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface ApplyMigrationsOptions {
  /** Default: `prisma/migrations` of the project root. */
  migrationsDir?: string;
  log?: (msg: string) => void;
}

/** An applied migration whose file has changed since: the schema may not be what the files say. */
export class MigrationChecksumError extends Error {
  override readonly name = 'MigrationChecksumError';
  constructor(readonly migrationName: string, expected: string, actual: string) {
    super(`migration ${migrationName} was modified after it was applied `
      + `(checksum in _prisma_migrations ${expected}, file ${actual}); restore the file and add a new migration instead`);
  }
}

/** Key of the advisory lock Prisma's schema engine holds while migrating PostgreSQL. */
const MIGRATION_LOCK_KEY = 72707369;

/** The table as Prisma's schema engine creates it. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
  /** Checksums the same script would have with other line endings (git may convert them). */
  acceptedChecksums: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * The project root: the nearest ancestor of this file holding prisma/migrations. Found by
 * walking up because this file runs both as src/db (tsx, jest) and as dist/src/db (tsc).
 */
export function defaultMigrationsDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`no prisma/migrations directory found above ${__dirname}`);
    }
  }
}

/** Migration directories that contain migration.sql, in name (= timestamp) order. */
function readMigrationFiles(migrationsDir: string): MigrationFile[] {
  return fs.readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'));
      const script = bytes.toString('utf8');
      const lf = script.replace(/\r\n/g, '\n');
      return {
        name,
        script,
        checksum: sha256(bytes),
        acceptedChecksums: [sha256(bytes), sha256(lf), sha256(lf.replace(/\n/g, '\r\n'))],
      };
    });
}

/**
 * Applies the pending migrations and returns their names (empty when up to date).
 * Each migration runs in its own transaction together with its `_prisma_migrations`
 * row, so a failure leaves neither a partial schema change nor a row: the error names
 * the migration and the database is as it was before that migration.
 *
 * Throws MigrationChecksumError when an applied migration's file has changed, and an
 * Error when `_prisma_migrations` holds a failed migration (left by another tool), before
 * applying anything.
 */
export async function applyMigrations(databaseUrl: string, options: ApplyMigrationsOptions = {}): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const files = readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir());
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const pending = pendingMigrations(files, await readAppliedRows(client), log);
      for (const migration of pending) {
        log(`applying migration ${migration.name}`);
        await applyOne(client, migration);
      }
      return pending.map((m) => m.name);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function readAppliedRows(client: pg.Client): Promise<AppliedRow[]> {
  const { rows } = await client.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at');
  // Rolled-back rows are history only, as for Prisma.
  return rows.filter((row) => row.rolled_back_at === null);
}

/** The files not yet applied, after checking that the applied ones are intact. */
function pendingMigrations(files: MigrationFile[], applied: AppliedRow[], log: (msg: string) => void): MigrationFile[] {
  const failed = applied.find((row) => row.finished_at === null);
  if (failed) {
    throw new Error(`migration ${failed.migration_name} failed earlier and is recorded as unfinished in `
      + '_prisma_migrations; repair the database and mark it with `prisma migrate resolve` before starting');
  }
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of applied) {
    const file = byName.get(row.migration_name);
    if (!file) {
      // A newer release may have migrated the database during a rolling deploy; an
      // older replica must still be able to start, so this is not an error.
      log(`migration ${row.migration_name} is applied but not present in this release`);
    } else if (!file.acceptedChecksums.includes(row.checksum)) {
      throw new MigrationChecksumError(row.migration_name, row.checksum, file.checksum);
    }
  }
  const appliedNames = new Set(applied.map((row) => row.migration_name));
  return files.filter((file) => !appliedNames.has(file.name));
}

/**
 * Runs one migration and its bookkeeping in a single transaction. The script goes
 * through the simple query protocol, which accepts several statements in one string.
 * finished_at uses clock_timestamp() because now() is frozen at the transaction start.
 */
async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), 0)`,
      [id, migration.checksum, migration.name]);
    await client.query(migration.script);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`migration ${migration.name} failed and was rolled back: ${reason}`, { cause: err });
  }
}
