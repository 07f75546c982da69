// Wires the API process: repositories, authentication, the Koa app and the HTTP server,
// plus the periodic sweep of expired secrets, Hawk nonces, rate-limit windows and the history
// of removed worker types, and the Pulse publisher when PULSE_URL is set.
import type http from 'node:http';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PrismaClient } from '../generated/prisma/client';
import { createWorkerTypeRepository } from '../db/worker-types';
import { createAmiSetRepository } from '../db/ami-sets';
import { createSecretRepository } from '../db/secrets';
import { createClientRepository, ROOT_CLIENT_ID } from '../db/clients';
import { SecretBox } from '../db/secret-box';
import { createLedger } from '../db/ledger';
import { createStatusRepository } from '../db/status';
import { createAdmissionStore } from '../db/admission';
import { createNonceStore } from '../db/hawk-nonces';
import { createRateLimitStore } from '../db/rate-limits';
import { createEventOutbox } from '../db/event-outbox';
import { createHistoryRepository } from '../db/history';
import { createEventPublisher } from '../events/publisher';
import { REMOVED_HISTORY_RETENTION_HOURS } from '../domain/history';
import type { Ec2Gateway } from '../aws/ec2-gateway';
import { createLaunchabilityChecker } from '../aws/launchability';
import type { WorkflowControl } from '../temporal/workflow-control';
import type { Authenticator } from './auth/authenticator';
import { createDelegatedAuthenticator } from './auth/delegated-authenticator';
import { HAWK_SKEW_SEC, createHawkAuthenticator, type ClientLookup } from './auth/hawk-authenticator';
import { BUILT_IN_ISSUER_ID, workerCredentialsIssuer } from './auth/worker-issuer';
import { createApp } from './app';
import { DEFAULT_LIMITS, listen, type ServerLimits } from './http-server';
import { RATE_WINDOW_MS } from './rate-limit';
import { MAX_LIST_ITEMS } from './schemas/common';
import type { ApiServices } from './services';

export { HAWK_SKEW_SEC };
const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

export interface ExternalServices {
  workflows: WorkflowControl;
  ec2: Ec2Gateway;
  now?: () => Date;
  /** Cap on list responses; only tests lower it, to check the cap without 10 000 rows. */
  listLimit?: number;
}

/** The `Client` table plus the built-in clients, which are never stored: root, and the worker credentials' issuer when it is ours. */
function localAuthenticator(config: Config, box: SecretBox, db: PrismaClient, now: () => Date): Authenticator {
  const rootToken = config.rootAccessToken;
  if (!rootToken) throw new Error('rootAccessToken must be resolved before start in local auth mode');
  const clients = createClientRepository(db, box);
  const issuer = workerCredentialsIssuer(config);
  const lookup: ClientLookup = async (clientId) => {
    if (clientId === ROOT_CLIENT_ID) return { clientId, accessToken: rootToken, scopes: ['*'] };
    if (clientId === BUILT_IN_ISSUER_ID && issuer.clientId === BUILT_IN_ISSUER_ID) return issuer;
    return clients.credentials(clientId);
  };
  return createHawkAuthenticator({ lookup, now: () => now().getTime(), timestampSkewSec: HAWK_SKEW_SEC });
}

export function buildServices(config: Config, db: PrismaClient, logger: Logger, external: ExternalServices): ApiServices {
  const now = external.now ?? (() => new Date());
  if (!config.secretsKey) throw new Error('secretsKey must be resolved before start');
  const box = new SecretBox(config.secretsKey);
  const authenticate = config.auth.mode === 'taskcluster'
    ? createDelegatedAuthenticator({ url: config.auth.authenticateHawkUrl, timeoutMs: config.auth.timeoutMs, now: () => now().getTime() })
    : localAuthenticator(config, box, db, now);
  const events = config.pulseUrl ? createEventPublisher(config.pulseUrl, createEventOutbox(db), logger) : undefined;
  return {
    config, logger, now, startedAt: Date.now(), events,
    workerTypes: createWorkerTypeRepository(db, events),
    history: createHistoryRepository(db),
    amiSets: createAmiSetRepository(db),
    secrets: createSecretRepository(db, box),
    ledger: createLedger(db),
    statuses: createStatusRepository(db),
    workflows: external.workflows,
    launchability: createLaunchabilityChecker(external.ec2),
    authenticate,
    admission: createAdmissionStore(db),
    nonces: createNonceStore(db),
    rateLimits: createRateLimitStore(db),
    listLimit: external.listLimit ?? MAX_LIST_ITEMS,
  };
}

export interface RunningApi {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * Starts listening; resolves once the port is bound. `close` is graceful (http-server.ts):
 * requests in flight finish, then a sweep still running finishes, before it resolves.
 * `limits` default to MAX_CONNECTIONS and SHUTDOWN_GRACE_MS; only tests lower them.
 */
export async function startApiServer(
  services: ApiServices, port: number, host = '0.0.0.0', limits: Partial<ServerLimits> = {},
): Promise<RunningApi> {
  const app = createApp(services);
  const listening = await listen(app.callback(), port, host, services.logger, { ...DEFAULT_LIMITS, ...limits });
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = setInterval(() => { sweeping = sweepExpired(services); }, SWEEP_INTERVAL_MS);
  sweep.unref();
  services.events?.start();
  return {
    url: listening.url,
    server: listening.server,
    close: async () => {
      clearInterval(sweep);
      await listening.close();
      await sweeping;
      // After the requests in flight: their events are committed and the publisher sends what it can before it stops.
      await services.events?.stop();
    },
  };
}

export interface SweepResult { secrets: number; nonces: number; rateWindows: number; history: number }

/**
 * Deletes expired secrets, expired Hawk nonces and finished rate-limit windows. Each part
 * fails on its own (logged, counted as 0) and is retried at the next interval; every
 * replica runs it, which is safe because each part is a plain DELETE of expired rows.
 */
export async function sweepExpired(services: ApiServices): Promise<SweepResult> {
  const now = services.now();
  const part = async (what: string, run: () => Promise<number>): Promise<number> => {
    try {
      const removed = await run();
      if (removed > 0) services.logger.info({ removed }, `expired ${what} removed`);
      return removed;
    } catch (err) {
      services.logger.warn({ err }, `sweep of expired ${what} failed`);
      return 0;
    }
  };
  const [secrets, nonces, rateWindows, history] = await Promise.all([
    part('secrets', () => services.secrets.sweepExpired(now)),
    part('hawk nonces', () => services.nonces.sweepExpired(now)),
    part('rate-limit windows', () => services.rateLimits.sweepBefore(new Date(now.getTime() - RATE_WINDOW_MS))),
    part('history of removed worker types', () => services.history.sweepRemoved(new Date(now.getTime() - REMOVED_HISTORY_RETENTION_HOURS * 3_600_000))),
  ]);
  return { secrets, nonces, rateWindows, history };
}
