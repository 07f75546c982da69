// Wires the API process: repositories, authentication, the Koa app and the HTTP server,
// plus the periodic sweep of expired secrets.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PrismaClient } from '../generated/prisma/client';
import { createWorkerTypeRepository } from '../db/worker-types';
import { createAmiSetRepository } from '../db/ami-sets';
import { createSecretRepository } from '../db/secrets';
import { createClientRepository, ROOT_CLIENT_ID } from '../db/clients';
import { createInstanceRepository } from '../db/instances';
import { SecretBox } from '../db/secret-box';
import { createLedger } from '../db/ledger';
import { createStatusRepository } from '../db/status';
import type { Ec2Gateway } from '../aws/ec2-gateway';
import { createLaunchabilityChecker } from '../aws/launchability';
import type { WorkflowControl } from '../temporal/workflow-control';
import { createHawkAuthenticator, type ClientLookup } from './auth/hawk-authenticator';
import { createMemoryNonceCache } from './auth/nonce-cache';
import { createApp } from './app';
import type { ApiServices } from './services';

export const SECRET_SWEEP_INTERVAL_MS = 5 * 60 * 1000;

export interface ExternalServices {
  workflows: WorkflowControl;
  ec2: Ec2Gateway;
  now?: () => Date;
}

export function buildServices(config: Config, db: PrismaClient, logger: Logger, external: ExternalServices): ApiServices {
  const now = external.now ?? (() => new Date());
  if (!config.secretsKey || !config.rootAccessToken) throw new Error('secretsKey and rootAccessToken must be resolved before start');
  const box = new SecretBox(config.secretsKey);
  const clients = createClientRepository(db, box);
  const rootToken = config.rootAccessToken;
  const lookup: ClientLookup = async (clientId) =>
    clientId === ROOT_CLIENT_ID ? { clientId, accessToken: rootToken, scopes: ['*'] } : clients.credentials(clientId);
  const instances = createInstanceRepository(db);
  return {
    config, logger, now, startedAt: Date.now(),
    workerTypes: createWorkerTypeRepository(db),
    amiSets: createAmiSetRepository(db),
    secrets: createSecretRepository(db, box),
    capacities: () => instances.capacities(),
    ledger: createLedger(db),
    statuses: createStatusRepository(db),
    workflows: external.workflows,
    launchability: createLaunchabilityChecker(external.ec2),
    authenticate: createHawkAuthenticator({
      lookup, now: () => now().getTime(), nonceSeen: createMemoryNonceCache({ ttlMs: 120_000, maxEntries: 100_000 }),
    }),
  };
}

export interface RunningApi {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** Starts listening; resolves once the port is bound. */
export async function startApiServer(services: ApiServices, port: number, host = '0.0.0.0'): Promise<RunningApi> {
  const app = createApp(services);
  const server = http.createServer(app.callback());
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const sweep = setInterval(() => void sweepSecrets(services), SECRET_SWEEP_INTERVAL_MS);
  sweep.unref();
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    close: async () => {
      clearInterval(sweep);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Deletes expired secrets; failures are logged and retried at the next interval. */
export async function sweepSecrets(services: ApiServices): Promise<number> {
  try {
    const removed = await services.secrets.sweepExpired(services.now());
    if (removed > 0) services.logger.info({ removed }, 'expired secrets removed');
    return removed;
  } catch (err) {
    services.logger.warn({ err: String(err) }, 'secret sweep failed');
    return 0;
  }
}
