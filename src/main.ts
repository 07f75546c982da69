// Process entry: `api` serves the REST API; `dev` runs everything a newcomer needs on one
// machine (embedded database when DATABASE_URL is unset, generated keys).
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { createPrisma } from './db/client';
import { applyMigrations } from './db/migrate';
import { buildServices, startApiServer } from './api/server';
import { devDatabaseUrlFile, withDevSecrets } from './dev/dev-secrets';

type Stop = () => Promise<void>;

async function startDatabase(config: Config, logger: Logger): Promise<{ url: string; stop: Stop }> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => {} };
  const { startEmbeddedPostgres } = await import('./dev/embedded-postgres.js');
  const embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'pglite'));
  fs.writeFileSync(devDatabaseUrlFile(config.dataDir), embedded.url);
  logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started (set DATABASE_URL to use your own server)');
  return { url: embedded.url, stop: embedded.stop };
}

async function run(role: string): Promise<Stop> {
  if (role !== 'api' && role !== 'dev') throw new ConfigError([`unknown role "${role}" (expected api or dev)`]);
  let config = loadConfig(process.env, role === 'dev' ? 'dev' : 'production');
  const logger = createLogger(config.logLevel);
  let generatedRootToken = false;
  if (role === 'dev') ({ config, generatedRootToken } = withDevSecrets(config));
  const database = await startDatabase(config, logger);
  const applied = await applyMigrations(database.url, { log: (msg) => logger.info(msg) });
  if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
  const db = createPrisma(database.url);
  const api = await startApiServer(buildServices(config, db, logger), config.port);
  announce(config, api.server.address(), generatedRootToken);
  return async () => {
    await api.close();
    await db.$disconnect();
    await database.stop();
  };
}

/** Tells the operator where things are; the root token is printed only when it was just generated. */
function announce(config: Config, address: unknown, generatedRootToken: boolean): void {
  const port = (address as { port: number }).port;
  const lines = [
    `API:          http://127.0.0.1:${port}/v1  (ping: http://127.0.0.1:${port}/v1/ping)`,
    `API document: http://127.0.0.1:${port}/v1/openapi.json`,
  ];
  if (config.mode === 'dev') {
    lines.push(generatedRootToken
      ? `Root client:  clientId "root", accessToken ${config.rootAccessToken} (saved in ${path.join(config.dataDir, 'root-access-token')})`
      : `Root client:  clientId "root", accessToken in ${path.join(config.dataDir, 'root-access-token')}`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

async function main(): Promise<void> {
  const stop = await run(process.argv[2] ?? 'api');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received, shutting down\n`);
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `Failed to start: ${String(err)}\n`);
  process.exit(1);
});
