// The worker process: hosts every workflow and activity on the provisioner task queue,
// and makes sure a loop runs for every worker type and every allowed region.
import { createHmac } from 'node:crypto';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { DEFAULT_SETTINGS } from '../../activities/deps';
import { workerCredentialsIssuer } from '../api/auth/worker-issuer';
import { awsClientOptions, createEc2Clients, ec2OptionsFor } from '../aws/ec2-clients';
import { createEc2Gateway, type Ec2Gateway } from '../aws/ec2-gateway';
import { createPricingGateway, NO_PRICE_LIST, type PricingGateway } from '../aws/pricing';
import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { workflowCacheShortfall } from '../domain/workflow-cache';
import { createActivityRepositories } from '../db/activity-repositories';
import { SecretBox } from '../db/secret-box';
import type { Logger } from '../logger';
import { ec2CallMetrics } from '../metrics/recorders';
import { createWorkerMetrics, type WorkerMetrics } from '../metrics/registry';
import { createQueueClient, type QueueClient } from '../queue/queue-client';
import { TASK_QUEUE } from '../temporal/names';
import { shutdownTimes } from './shutdown';
import { installTemporalLogging } from './temporal-logging';
import { describeWorkflowCode, workflowCode, WORKFLOWS_PATH } from './workflow-code';
import { inParallel } from './in-parallel';
import type { WorkflowControl } from '../temporal/workflow-control';

export { WORKFLOWS_PATH };

/** The key for per-launch security tokens, separate from the encryption key by derivation. */
function tokenKeyFrom(secretsKey: Buffer): Buffer {
  return createHmac('sha256', secretsKey).update('launch-security-tokens').digest();
}

/** A fresh metrics registry per deps unless one is given; an injected `ec2` gateway reports to its own observer, if any. */
export function buildActivityDeps(
  config: Config, db: PrismaClient,
  overrides: { ec2?: Ec2Gateway; queue?: QueueClient; pricing?: PricingGateway; metrics?: WorkerMetrics } = {},
): ActivityDeps {
  if (!config.secretsKey) throw new Error('secretsKey must be resolved before the worker starts');
  const metrics = overrides.metrics ?? createWorkerMetrics();
  return {
    repos: createActivityRepositories(db, new SecretBox(config.secretsKey)),
    ec2: overrides.ec2 ?? createEc2Gateway(createEc2Clients(ec2OptionsFor(config)), { observer: ec2CallMetrics(metrics) }),
    metrics,
    pricing: overrides.pricing ?? (config.pricingDisabled ? NO_PRICE_LIST
      : createPricingGateway({ ...awsClientOptions(config.pricingEndpoint, config), region: config.pricingRegion })),
    queue: overrides.queue ?? createQueueClient({ ...(config.queue ?? { rootUrl: config.taskclusterRootUrl }), credentials: queueCredentials(config) }),
    tokenKey: tokenKeyFrom(config.secretsKey),
    now: () => new Date(),
    settings: {
      ...DEFAULT_SETTINGS,
      provisionerId: config.provisionerId,
      provisionerBaseUrl: `${config.publicUrl}/v1`,
      rootUrl: config.taskclusterRootUrl,
      allowedRegions: config.allowedRegions,
      loop: {
        iterationIntervalMs: config.timing.iterationIntervalMs, capacityCooldownMs: config.timing.capacityCooldownMs,
        inventoryIntervalMs: config.timing.inventoryIntervalMs, spotPriceIntervalMs: config.timing.spotPriceIntervalMs,
        iterationRecordMaxAgeMs: config.timing.iterationRecordMaxAgeMs,
      },
      registrationTimeoutMs: config.timing.registrationTimeoutMs,
      // A booting instance must still find its secret when the registration timeout is long.
      secretLifetimeMs: Math.max(DEFAULT_SETTINGS.secretLifetimeMs, config.timing.registrationTimeoutMs + 10 * 60_000),
      // Prices must outlive the refresh interval, or spot has no known price between refreshes.
      spotPriceMaxAgeMs: Math.max(DEFAULT_SETTINGS.spotPriceMaxAgeMs, 2 * config.timing.spotPriceIntervalMs),
      maxInstanceLifetimeMs: config.timing.maxInstanceLifetimeMs,
      workerTypeStability: config.workerTypeStability,
    },
  };
}

export { installTemporalLogging } from './temporal-logging';

/**
 * The provisioner's TaskCluster identity, which signs its Queue declarations: the configured
 * TASKCLUSTER_CLIENT_ID (in a TaskCluster deployment it needs
 * `queue:declare-worker-type:<provisionerId>/*`), else the built-in one, which the local
 * Queue of dev mode knows and a real Queue refuses (logged, not retried).
 */
export function queueCredentials(config: Config): { clientId: string; accessToken: string } {
  const { clientId, accessToken } = workerCredentialsIssuer(config);
  return { clientId, accessToken };
}

export interface RunningWorker {
  worker: Worker;
  /** Workflows this worker keeps in memory: WORKFLOW_CACHE_SIZE, else the SDK's default. */
  cacheSize: number;
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  connection: NativeConnection; namespace: string; deps: ActivityDeps; logger: Logger; workflowBundle?: WorkflowBundleOption;
  /**
   * How long running activities may go on once `stop()` is called before they are cancelled
   * (see ./shutdown.ts); the worker role passes WORKER_SHUTDOWN_GRACE. Omitted (in-process
   * test workers): the SDK's defaults, activities are told to cancel at once.
   */
  shutdownGraceMs?: number;
  /** WORKFLOW_CACHE_SIZE; omitted: the SDK's default, which it derives from the heap size. */
  workflowCacheSize?: number;
}

export async function startWorker(opts: StartWorkerOptions): Promise<RunningWorker> {
  installTemporalLogging(opts.logger);
  const code = workflowCode(opts.workflowBundle);
  opts.logger.info({ workflowCode: describeWorkflowCode(code) }, 'starting the Temporal worker');
  const worker = await Worker.create({
    connection: opts.connection, namespace: opts.namespace, taskQueue: TASK_QUEUE,
    activities: createActivities(opts.deps),
    ...code,
    showStackTraceSources: true,
    ...(opts.shutdownGraceMs === undefined ? {} : shutdownTimes(opts.shutdownGraceMs)),
    ...(opts.workflowCacheSize === undefined ? {} : { maxCachedWorkflows: opts.workflowCacheSize }),
  });
  const running = worker.run().catch((err: unknown) => opts.logger.error({ err }, 'worker stopped with an error'));
  return {
    worker,
    cacheSize: worker.options.maxCachedWorkflows,
    /** Stops polling at once; resolves once running tasks are done or given up on (./shutdown.ts). Never rejects. */
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/**
 * Starts any loop that is missing: one per worker type row and one per allowed region.
 * Idempotent (start with USE_EXISTING), so every replica may run it at start and periodically;
 * it repairs a create whose signal was lost while Temporal was down.
 */
/** Temporal calls in flight at once while reconciling the worker type loops. */
const RECONCILE_CONCURRENCY = 8;

export async function reconcileLoops(
  control: WorkflowControl, db: PrismaClient, regions: string[], logger: Logger, cacheSize?: number,
): Promise<void> {
  for (const region of regions) await control.ensureRegionLoop(region);
  const names = (await db.workerType.findMany({ select: { name: true } })).map((r) => r.name);
  await inParallel(names, RECONCILE_CONCURRENCY, (name) => control.ensureWorkerTypeLoop(name));
  const loops = names.length + regions.length;
  logger.debug({ workerTypes: names.length, regions: regions.length }, 'workflow loops reconciled');
  const shortfall = cacheSize === undefined ? undefined : workflowCacheShortfall(loops, cacheSize);
  if (shortfall) logger.warn({ loops, cacheSize }, shortfall);
}

export { NativeConnection };
