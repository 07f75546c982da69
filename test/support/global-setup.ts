// jest global setup: one PostgreSQL server for the whole run, and a template database with
// every migration applied, which test files clone (test/support/database.ts).
//
// Set TEST_PG_ADMIN_URL (a superuser URL) to use a server that is already running instead
// of starting one; the template is then recreated on it, so do not share that server
// between concurrent runs.
import { applyMigrations } from '../../src/db/migrate';
import { ADMIN_URL_ENV, TEMPLATE_DATABASE, databaseUrl, withAdminClient } from './database';
import { GLOBAL_SERVER_KEY, startPostgresServer, type PostgresServer } from './postgres-server';
import { startGlobalServices } from './global-services';

/** (Re)creates the template: a template left by an earlier run may hold older migrations. */
async function createTemplate(serverUrl: string): Promise<void> {
  await withAdminClient(serverUrl, async (c) => {
    const existing = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DATABASE]);
    if (existing.rowCount) {
      // PostgreSQL refuses to drop a database marked as a template.
      await c.query(`ALTER DATABASE "${TEMPLATE_DATABASE}" IS_TEMPLATE false`);
      await c.query(`DROP DATABASE "${TEMPLATE_DATABASE}" WITH (FORCE)`);
    }
    await c.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  });
  await applyMigrations(databaseUrl(serverUrl, TEMPLATE_DATABASE));
  // Marked as a template so that roles with CREATEDB (not only superusers) may clone it.
  await withAdminClient(serverUrl, (c) => c.query(`ALTER DATABASE "${TEMPLATE_DATABASE}" IS_TEMPLATE true`));
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  let serverUrl = process.env[ADMIN_URL_ENV];
  if (!serverUrl) {
    const server: PostgresServer = await startPostgresServer((msg) => process.stderr.write(`\n${msg}`));
    (globalThis as Record<string, unknown>)[GLOBAL_SERVER_KEY] = server;
    serverUrl = server.adminUrl;
    // jest workers are started after global setup and inherit this.
    process.env[ADMIN_URL_ENV] = serverUrl;
  }
  try {
    await createTemplate(serverUrl);
  } catch (err) {
    // jest skips the teardown when the setup fails: stop the server here.
    const store = globalThis as Record<string, unknown>;
    const server = store[GLOBAL_SERVER_KEY] as PostgresServer | undefined;
    if (server) {
      delete store[GLOBAL_SERVER_KEY];
      delete process.env[ADMIN_URL_ENV];
      await server.stop();
    }
    throw err;
  }
  process.stderr.write(`\ntest PostgreSQL ready in ${Date.now() - started} ms\n`);
  await startGlobalServices((msg) => process.stderr.write(`${msg}\n`));
}
