// Per-test-file databases on the server started by the jest global setup.
//
// createTestDatabase() clones the migrated template (a file copy inside PostgreSQL, a few
// tens of milliseconds), so each test file gets its own schema and data without paying for
// migrations again. Call drop() in afterAll.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set by the global setup (or by you, to reuse a running server: a superuser URL). */
export const ADMIN_URL_ENV = 'TEST_PG_ADMIN_URL';
/** The database holding every migration, cloned by createTestDatabase(). */
export const TEMPLATE_DATABASE = 'provisioner_template';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connections still open to it. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** false: an empty database instead of a clone of the migrated template. Default true. */
  migrated?: boolean;
}

export function adminUrl(): string {
  const url = process.env[ADMIN_URL_ENV];
  if (!url) {
    throw new Error(`${ADMIN_URL_ENV} is not set: run the tests through jest, whose global setup starts PostgreSQL`);
  }
  return url;
}

/** The URL of another database on the same server, with the same credentials. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Runs fn with a short-lived connection to the server's admin database. */
export async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdminClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

let counter = 0;

/** A new database with a name unique across jest workers (pid) and calls (counter). */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = adminUrl();
  const name = `test_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
  const template = options.migrated === false ? '' : ` TEMPLATE "${TEMPLATE_DATABASE}"`;
  await withAdminClient(server, (c) => c.query(`CREATE DATABASE "${name}"${template}`));
  return { name, url: databaseUrl(server, name), drop: () => dropDatabase(server, name) };
}
