// Process entry. Roles:
//   api     the REST API                      (npm start -- api)
//   worker  the Temporal worker               (npm start -- worker)
//   dev     both, plus every dependency that is not configured (npm run dev)
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { createPrisma } from './db/client';
import { applyMigrations } from './db/migrate';
import { withDevSecrets } from './dev/dev-secrets';
import { startApiProcess } from './processes/api-process';
import { startDevDependencies } from './processes/dev-process';
import { startWorkerProcess } from './processes/worker-process';

type Stop = () => Promise<void>;

async function run(role: string, logger: Logger, config: Config): Promise<Stop> {
  const stops: Stop[] = [];
  let notes: string[] = [];
  let temporalAddress = config.temporal.address ?? '';
  const embedded = role === 'dev' && !config.databaseUrl;
  if (role === 'dev') {
    const dev = await startDevDependencies(config, logger);
    ({ config, notes, temporalAddress } = dev);
    stops.push(...dev.stops);
  }
  const databaseUrl = config.databaseUrl!;
  const applied = await applyMigrations(databaseUrl, { log: (msg) => logger.info(msg) });
  if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
  const db = createPrisma(databaseUrl, { maxConnections: embedded ? 1 : 10 });
  stops.unshift(() => db.$disconnect());
  if (role === 'worker' || role === 'dev') stops.unshift((await startWorkerProcess(config, db, logger, temporalAddress)).stop);
  if (role === 'api' || role === 'dev') {
    const api = await startApiProcess(config, db, logger, temporalAddress);
    stops.unshift(api.stopAll);
    notes = [`API:          ${api.url.replace('127.0.0.1', 'localhost')}/v1  (ping: /v1/ping, API document: /v1/openapi.json)`, ...notes];
  }
  if (notes.length > 0) process.stdout.write(`\n${notes.join('\n')}\n\n`);
  return async () => {
    for (const stop of stops) await stop().catch((err: unknown) => logger.warn({ err: String(err) }, 'error while stopping'));
  };
}

async function main(): Promise<void> {
  const role = process.argv[2] ?? 'api';
  if (!['api', 'worker', 'dev'].includes(role)) throw new ConfigError([`unknown role "${role}" (expected api, worker or dev)`]);
  let config = loadConfig(process.env, role === 'dev' ? 'dev' : 'production');
  const logger = createLogger(config.logLevel);
  if (role === 'dev') {
    const dev = withDevSecrets(config);
    config = dev.config;
    if (dev.generatedRootToken) process.stdout.write(`\nRoot client:  clientId "root", accessToken ${config.rootAccessToken}\n`);
    process.stdout.write(`Root token file: ${config.dataDir}/root-access-token\n`);
  }
  const stop = await run(role, logger, config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `Failed to start: ${String(err)}\n`);
  process.exit(1);
});
