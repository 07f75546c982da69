// Dev mode: everything on one machine. Each dependency that is not configured is started
// locally: an embedded PostgreSQL (DATABASE_URL unset), the Temporal dev server with its
// Web UI (TEMPORAL_ADDRESS unset), moto as EC2 (no AWS endpoint or credentials) and the
// local Queue server (TASKCLUSTER_ROOT_URL and QUEUE_BASE_URL unset).
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { freePort } from '../dev/local-host';
import { startMoto } from '../dev/moto-server';
import { PortInUseError, startTemporalDevServer } from '../dev/temporal-cli';
import { devDatabaseUrlFile } from '../dev/dev-secrets';
import { startLocalQueueServer } from '../queue/local-queue-server';
import { searchAttributeCliTypes } from '../temporal/search-attributes';
import { queueCredentials } from '../worker/worker';

type Stop = () => Promise<void>;

/** Where dev mode records the addresses of what it started, for `npm run demo`. */
const devEndpointsFile = (dataDir: string) => path.join(dataDir, 'dev-endpoints.json');

/** `stops` in the order of the starts. `config` is complete: its Temporal settings point at the local dev server when one was started. */
export interface DevServices { config: Config; databaseUrl: string; notes: string[]; stops: Stop[] }

/** A dev-mode start that failed; the message names the setting to change when one helps. */
class DevStartError extends Error {
  override readonly name = 'DevStartError';
}

/** Runs the stops one after the other, in the order given; never rejects (a failed stop is logged). */
export async function runStops(stops: Stop[], logger: Logger): Promise<void> {
  for (const stop of stops) await stop().catch((err: unknown) => logger.warn({ err: String(err) }, 'error while stopping'));
}

/**
 * Starts what is not configured. Contract: when any start fails, everything started before it
 * is stopped again before the error is thrown, so a failed `npm run dev` leaves nothing running.
 */
export async function startDevDependencies(config: Config, logger: Logger): Promise<DevServices> {
  const stops: Stop[] = [];
  try {
    return await startEach(config, logger, stops);
  } catch (err) {
    await runStops([...stops].reverse(), logger); // the last started first
    throw err;
  }
}

async function startEach(config: Config, logger: Logger, stops: Stop[]): Promise<DevServices> {
  const notes: string[] = [];
  let next = { ...config };
  fs.mkdirSync(config.dataDir, { recursive: true });

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const { startEmbeddedPostgres } = await import('../dev/embedded-postgres.js');
    const embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'pglite'));
    fs.writeFileSync(devDatabaseUrlFile(config.dataDir), embedded.url);
    stops.push(embedded.stop);
    databaseUrl = embedded.url;
    notes.push(`Database:     embedded PostgreSQL, data in ${path.join(config.dataDir, 'pglite')}`);
  }

  if (!config.temporal.address) {
    logger.info('starting the Temporal dev server (the first run builds the temporal CLI, which takes a few minutes)');
    const temporal = await startTemporalDevServer({
      dbFile: path.resolve(config.dataDir, 'temporal.sqlite'), searchAttributes: searchAttributeCliTypes(),
      port: config.devTemporalPort || await freePort(), uiPort: config.devTemporalUiPort || await freePort(),
    }).catch((err: unknown) => {
      if (!(err instanceof PortInUseError)) throw err;
      const setting = err.which === 'ui' ? 'DEV_TEMPORAL_UI_PORT' : 'DEV_TEMPORAL_PORT';
      throw new DevStartError(`${err.message}: set ${setting} to a free port (0 picks one), or TEMPORAL_ADDRESS to use a running Temporal`);
    });
    stops.push(temporal.stop);
    // The local dev server is plain gRPC: no TLS, no key, namespace `default`.
    next = { ...next, temporal: { address: temporal.address, namespace: 'default', tls: undefined, apiKey: undefined, metadata: undefined } };
    notes.push(`Temporal UI:  ${temporal.uiUrl}  (frontend ${temporal.address})`);
  }

  if (!config.ec2Endpoint && !config.awsCredentialsConfigured) {
    const moto = await startMoto();
    stops.push(moto.stop);
    next = { ...next, ec2Endpoint: moto.url, pricingDisabled: !config.pricingEndpoint };
    notes.push(`EC2:          moto at ${moto.url} (set AWS credentials to use real AWS)`);
    if (!config.pricingEndpoint) notes.push('Prices:       no AWS Price List without AWS credentials, so no on-demand prices (spot only)');
  }

  if (!config.queue) {
    // The local root URL: the Queue here, and the API forwarded under /api/aws-provisioner/v1.
    // It knows the provisioner's identity, so the worker's declarations (declareWorkerType) are accepted.
    const clients = [{ ...queueCredentials(config), scopes: [`queue:declare-worker-type:${config.provisionerId}/*`] }];
    const queue = await startLocalQueueServer({ port: config.devQueuePort, provisionerUrl: `http://127.0.0.1:${config.port}`, clients })
      .catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        throw new DevStartError(`the local Queue cannot start: 127.0.0.1:${config.devQueuePort} is already in use: set DEV_QUEUE_PORT to a free port (0 picks one)`);
      });
    stops.push(queue.stop);
    next = { ...next, queue: { rootUrl: queue.url }, taskclusterRootUrl: queue.url };
    notes.push(`Root URL:     ${queue.url}  (workers find the Queue and this API under it)`);
    notes.push(`Local Queue:  ${queue.baseUrl}  (set pending tasks: curl -X PUT -H 'content-type: application/json' `
      + `-d '{"pendingTasks": 3}' ${queue.baseUrl}/pending/${config.provisionerId}/<workerType>)`);
  }
  fs.writeFileSync(devEndpointsFile(config.dataDir), JSON.stringify({
    api: `http://127.0.0.1:${config.port}/v1`, ec2: next.ec2Endpoint ?? null, queue: next.queue?.rootUrl ?? next.queue?.baseUrl ?? null,
    provisionerId: config.provisionerId,
  }, null, 2));
  return { config: { ...next, databaseUrl }, databaseUrl, notes, stops };
}
