// jest global teardown: stops the server the global setup started and deletes its files.
// A server given through TEST_PG_ADMIN_URL is left running.
import { ADMIN_URL_ENV } from './database';
import { GLOBAL_SERVER_KEY, type PostgresServer } from './postgres-server';
import { stopGlobalServices } from './global-services';

export default async function globalTeardown(): Promise<void> {
  await stopGlobalServices();
  const store = globalThis as Record<string, unknown>;
  const server = store[GLOBAL_SERVER_KEY] as PostgresServer | undefined;
  if (!server) return;
  delete store[GLOBAL_SERVER_KEY];
  // Unset, so that a next run in the same process (watch mode) starts a new server.
  delete process.env[ADMIN_URL_ENV];
  await server.stop();
}
