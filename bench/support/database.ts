// A migrated database for one benchmark run, on the PostgreSQL the tests use: the server of
// TEST_PG_ADMIN_URL when set (a jest run, or one the operator keeps running), otherwise a
// throwaway server started here exactly as jest's global setup starts it.
//
// Contract: drop() removes the database and stops the server if this module started it;
// call it in a `finally`, or the server keeps running until the machine reboots.
import { randomBytes } from 'node:crypto';
import { applyMigrations } from '../../src/db/migrate';
import { ADMIN_URL_ENV, databaseUrl, dropDatabase, withAdminClient } from '../../test/support/database';
import { startPostgresServer, type PostgresServer } from '../../test/support/postgres-server';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(log: (msg: string) => void): Promise<BenchDatabase> {
  let server: PostgresServer | undefined;
  let admin = process.env[ADMIN_URL_ENV];
  if (!admin) {
    server = await startPostgresServer(log);
    admin = server.adminUrl;
  }
  const serverUrl = admin;
  const name = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  try {
    await withAdminClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
    const url = databaseUrl(serverUrl, name);
    // The same migrations the template of the tests holds; one database needs no template.
    await applyMigrations(url);
    return {
      url,
      drop: async () => {
        try {
          await dropDatabase(serverUrl, name);
        } finally {
          await server?.stop();
        }
      },
    };
  } catch (err) {
    await server?.stop();
    throw err;
  }
}
