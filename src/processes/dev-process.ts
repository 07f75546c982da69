// Dev mode: everything on one machine. Each dependency that is not configured is started
// locally: an embedded PostgreSQL (DATABASE_URL unset), the Temporal dev server with its
// Web UI (TEMPORAL_ADDRESS unset), moto as EC2 (no AWS endpoint or credentials) and the
// local Queue server (TASKCLUSTER_ROOT_URL and QUEUE_BASE_URL unset).
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startMoto } from '../dev/moto-server';
import { startTemporalDevServer } from '../dev/temporal-cli';
import { devDatabaseUrlFile } from '../dev/dev-secrets';
import { startLocalQueueServer } from '../queue/local-queue-server';
import { searchAttributeCliTypes } from '../temporal/search-attributes';

type Stop = () => Promise<void>;

/** Where dev mode records the addresses of what it started, for `npm run demo`. */
export const devEndpointsFile = (dataDir: string) => path.join(dataDir, 'dev-endpoints.json');

/** `config` is complete: its Temporal settings point at the local dev server when one was started. */
export interface DevServices { config: Config; databaseUrl: string; notes: string[]; stops: Stop[] }

export async function startDevDependencies(config: Config, logger: Logger): Promise<DevServices> {
  const notes: string[] = [];
  const stops: Stop[] = [];
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
      dbFile: path.resolve(config.dataDir, 'temporal.sqlite'), uiPort: 8233, searchAttributes: searchAttributeCliTypes(),
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
    const queue = await startLocalQueueServer({ port: config.devQueuePort, provisionerUrl: `http://127.0.0.1:${config.port}` });
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
