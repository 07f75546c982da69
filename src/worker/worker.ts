// The worker process: hosts every workflow and activity on the provisioner task queue,
// and makes sure a loop runs for every worker type and every allowed region.
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { DEFAULT_SETTINGS } from '../../activities/deps';
import { awsClientOptions, createEc2Clients, ec2OptionsFor } from '../aws/ec2-clients';
import { createEc2Gateway, type Ec2Gateway } from '../aws/ec2-gateway';
import { createPricingGateway, NO_PRICE_LIST, type PricingGateway } from '../aws/pricing';
import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { createActivityRepositories } from '../db/activity-repositories';
import { SecretBox } from '../db/secret-box';
import type { Logger } from '../logger';
import { createQueueClient, type QueueClient } from '../queue/queue-client';
import { TASK_QUEUE } from '../temporal/names';
import { shutdownTimes } from './shutdown';
import type { WorkflowControl } from '../temporal/workflow-control';

export const WORKFLOWS_PATH = require.resolve(path.join(__dirname, '../../workflows'));

/** The key for per-launch security tokens, separate from the encryption key by derivation. */
function tokenKeyFrom(secretsKey: Buffer): Buffer {
  return createHmac('sha256', secretsKey).update('launch-security-tokens').digest();
}

export function buildActivityDeps(config: Config, db: PrismaClient, overrides: { ec2?: Ec2Gateway; queue?: QueueClient; pricing?: PricingGateway } = {}): ActivityDeps {
  if (!config.secretsKey) throw new Error('secretsKey must be resolved before the worker starts');
  return {
    repos: createActivityRepositories(db, new SecretBox(config.secretsKey)),
    ec2: overrides.ec2 ?? createEc2Gateway(createEc2Clients(ec2OptionsFor(config))),
    pricing: overrides.pricing ?? (config.pricingDisabled ? NO_PRICE_LIST
      : createPricingGateway({ ...awsClientOptions(config.pricingEndpoint, config), region: config.pricingRegion })),
    queue: overrides.queue ?? createQueueClient(config.queue ?? { rootUrl: config.taskclusterRootUrl }),
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
      },
      registrationTimeoutMs: config.timing.registrationTimeoutMs,
      // A booting instance must still find its secret when the registration timeout is long.
      secretLifetimeMs: Math.max(DEFAULT_SETTINGS.secretLifetimeMs, config.timing.registrationTimeoutMs + 10 * 60_000),
      // Prices must outlive the refresh interval, or spot has no known price between refreshes.
      spotPriceMaxAgeMs: Math.max(DEFAULT_SETTINGS.spotPriceMaxAgeMs, 2 * config.timing.spotPriceIntervalMs),
      maxInstanceLifetimeMs: config.timing.maxInstanceLifetimeMs,
    },
  };
}

/**
 * Routes the Temporal SDK's own logs (worker, workflow `log`, activity `log`) into our logger.
 * The runtime is process-wide and can be installed once; later calls keep the first.
 * The SDK's own signal handlers are off: on SIGTERM the process stops its parts in its own
 * order (src/processes/roles.ts), the loop reconciler before the worker.
 */
export function installTemporalLogging(logger: Logger): void {
  if (Runtime._instance) return;
  const levels = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('INFO', (entry) => {
      const { sdkComponent, workflowType, workflowId, activityType, attempt, ...meta } = entry.meta ?? {};
      logger[levels[entry.level]]({ temporal: { sdkComponent, workflowType, workflowId, activityType, attempt }, ...pick(meta) }, entry.message);
    }),
  });
}

/** Drops the SDK's bulky routing metadata (task tokens, run ids) from log lines. */
function pick(meta: Record<string, unknown>): Record<string, unknown> {
  const { taskToken: _t, workflowRunId: _r, namespace: _n, taskQueue: _q, isLocal: _l, activityId: _a, runId: _ri, ...rest } = meta;
  return rest;
}

export interface RunningWorker { worker: Worker; stop(): Promise<void> }

export interface StartWorkerOptions {
  connection: NativeConnection; namespace: string; deps: ActivityDeps; logger: Logger; workflowBundle?: WorkflowBundleOption;
  /**
   * How long running activities may go on once `stop()` is called before they are cancelled
   * (see ./shutdown.ts); the worker role passes WORKER_SHUTDOWN_GRACE. Omitted (in-process
   * test workers): the SDK's defaults, activities are told to cancel at once.
   */
  shutdownGraceMs?: number;
}

export async function startWorker(opts: StartWorkerOptions): Promise<RunningWorker> {
  installTemporalLogging(opts.logger);
  const worker = await Worker.create({
    connection: opts.connection, namespace: opts.namespace, taskQueue: TASK_QUEUE,
    activities: createActivities(opts.deps),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    showStackTraceSources: true,
    ...(opts.shutdownGraceMs === undefined ? {} : shutdownTimes(opts.shutdownGraceMs)),
  });
  const running = worker.run().catch((err: unknown) => opts.logger.error({ err: String(err) }, 'worker stopped with an error'));
  return {
    worker,
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
export async function reconcileLoops(control: WorkflowControl, db: PrismaClient, regions: string[], logger: Logger): Promise<void> {
  for (const region of regions) await control.ensureRegionLoop(region);
  const names = (await db.workerType.findMany({ select: { name: true } })).map((r) => r.name);
  for (const name of names) await control.ensureWorkerTypeLoop(name);
  logger.debug({ workerTypes: names.length, regions: regions.length }, 'workflow loops reconciled');
}

export { NativeConnection };
