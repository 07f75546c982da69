// Starting a role of the process (api, worker or dev) and stopping it on a signal. Shared by
// src/main.ts and by tests that run the worker role as a child process, so those tests stop
// it exactly as production does.
import type { WorkflowBundleOption } from '@temporalio/worker';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createPrisma } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { startApiProcess } from './api-process';
import { runStops, startDevDependencies } from './dev-process';
import { startWorkerProcess } from './worker-process';

const ROLES = ['api', 'worker', 'dev'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

type Stop = () => Promise<void>;

export interface RoleOptions {
  /** A prebuilt workflow bundle for the worker (tests); by default the workflows are bundled at start. */
  workflowBundle?: WorkflowBundleOption;
}

/**
 * Starts the role; resolves to its stop function, which stops the parts in order (the API
 * first, as requests in flight may signal workflows; then the worker, which lets running
 * activities finish; the database and dev dependencies last) and never rejects.
 */
export async function startRole(role: Role, logger: Logger, config: Config, options: RoleOptions = {}): Promise<Stop> {
  // In stop order. A start that fails stops what started before it, so nothing is left running.
  const stops: Stop[] = [];
  try {
    return await startParts(role, logger, config, options, stops);
  } catch (err) {
    await runStops(stops, logger);
    throw err;
  }
}

async function startParts(role: Role, logger: Logger, config: Config, options: RoleOptions, stops: Stop[]): Promise<Stop> {
  let notes: string[] = [];
  const embedded = role === 'dev' && !config.databaseUrl;
  if (role === 'dev') {
    const dev = await startDevDependencies(config, logger);
    ({ config, notes } = dev);
    stops.push(...dev.stops);
  }
  const databaseUrl = config.databaseUrl!;
  const applied = await applyMigrations(databaseUrl, { log: (msg) => logger.info(msg) });
  if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
  const db = createPrisma(databaseUrl, { maxConnections: embedded ? 1 : 10 });
  stops.unshift(() => db.$disconnect());
  if (role === 'worker' || role === 'dev') stops.unshift((await startWorkerProcess(config, db, logger, options)).stop);
  if (role === 'api' || role === 'dev') {
    const api = await startApiProcess(config, db, logger);
    stops.unshift(api.stopAll);
    notes = [`API:          ${api.url.replace('127.0.0.1', 'localhost')}/v1  (ping: /v1/ping, API document: /v1/openapi.json)`, ...notes];
  }
  if (notes.length > 0) process.stdout.write(`\n${notes.join('\n')}\n\n`);
  return () => runStops(stops, logger);
}

/**
 * On the first SIGINT or SIGTERM, runs `stop` and exits 0 once it is done (1 if it threw).
 * Later signals are ignored: a second Ctrl-C must not cut the worker's grace period short.
 */
export function stopOnSignals(stop: Stop, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  logger.info('started; SIGTERM or SIGINT stops it');
}
