// The worker role: hosts the workflows and activities, and keeps a loop running for every
// worker type and allowed region (reconciled at start and every RECONCILE_INTERVAL).
import { Client, type Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PrismaClient } from '../generated/prisma/client';
import { createStatusRepository } from '../db/status';
import { databaseCheck, type CheckResult } from '../metrics/health';
import { startMetricsServer, type MetricsServer } from '../metrics/metrics-server';
import { TemporalConnectError, connectClient, connectionOptions, describeTemporal } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/search-attribute-registration';
import { createWorkflowControl } from '../temporal/workflow-control';
import { buildActivityDeps, installTemporalLogging, reconcileLoops, startWorker } from '../worker/worker';
import { startTaskPendingWakeups } from '../events/task-pending-consumer';

export interface WorkerProcessOptions {
  /** A prebuilt workflow bundle; by default the workflows are bundled at start. */
  workflowBundle?: WorkflowBundleOption;
}

type RunningWorkerProcess = { stop(): Promise<void>; metricsUrl: string };

/**
 * Connects (failing at once, with a message that says why, on a bad address, certificate or
 * API key), registers the search attributes the namespace lacks (or fails naming the command
 * that does it), then polls and reconciles the loops.
 */
export async function startWorkerProcess(
  config: Config, db: PrismaClient, logger: Logger, options: WorkerProcessOptions = {},
): Promise<RunningWorkerProcess> {
  const { metricsHost, temporalMetricsPort } = config.monitoring;
  installTemporalLogging(logger, {
    logLevel: config.logLevel, ...(temporalMetricsPort === 0 ? {} : { prometheusBindAddress: `${metricsHost}:${temporalMetricsPort}` }),
  });
  const { namespace } = config.temporal;
  const connection = await connectClient(config.temporal);
  let nativeConnection: NativeConnection | undefined;
  try {
    const added = await ensureSearchAttributes(connection, namespace);
    if (added.length > 0) logger.info({ namespace, added }, 'search attributes registered');
    nativeConnection = await NativeConnection.connect(connectionOptions(config.temporal)).catch((err: unknown) => {
      throw new TemporalConnectError(config.temporal, err);
    });
    return await run(config, db, logger, connection, nativeConnection, options);
  } catch (err) {
    await nativeConnection?.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    throw err;
  }
}

async function run(
  config: Config, db: PrismaClient, logger: Logger, connection: Connection, nativeConnection: NativeConnection, options: WorkerProcessOptions,
): Promise<RunningWorkerProcess> {
  const deps = buildActivityDeps(config, db);
  const worker = await startWorker({
    connection: nativeConnection, namespace: config.temporal.namespace, deps, logger,
    workflowBundle: options.workflowBundle, shutdownGraceMs: config.timing.workerShutdownGraceMs,
    ...(config.workflowCacheSize === undefined ? {} : { workflowCacheSize: config.workflowCacheSize }),
  });
  const control = createWorkflowControl(new Client({ connection, namespace: config.temporal.namespace }), {
    allowedRegions: config.allowedRegions, ...config.timing,
  });
  // Contract: a loop missing for any reason (a create whose signal was lost while Temporal was
  // down, a loop that ended) is started again within one reconcile interval.
  // One pass at a time: while Temporal is unreachable a pass can outlast a short interval.
  let running: Promise<void> | undefined;
  const reconcile = () => {
    running ??= reconcileLoops(control, db, config.allowedRegions, logger, worker.cacheSize)
      .catch((err: unknown) => logger.warn({ err }, 'loop reconciliation failed; retrying later'))
      .finally(() => { running = undefined; });
    return running;
  };
  const metrics = await startMetricsServer({
    port: config.monitoring.workerMetricsPort, host: config.monitoring.metricsHost, registry: deps.metrics.registry, logger,
    checks: [workerPolling(() => worker.worker.getState()), databaseCheck(createStatusRepository(db).databaseHealthy)],
  });
  await reconcile();
  // Optional: without PULSE_URL, or while Pulse is down, the loops' poll finds demand.
  const wakeups = config.pulseUrl === undefined ? undefined : startTaskPendingWakeups({
    url: config.pulseUrl, provisionerId: config.provisionerId, logger, metrics: deps.metrics, wake: (workerType) => control.wakeWorkerType(workerType),
  });
  const timer = setInterval(() => void reconcile(), config.timing.reconcileIntervalMs);
  timer.unref();
  logger.info({ temporal: describeTemporal(config.temporal) }, 'worker polling');
  return {
    // The reconciler and the Pulse wake-ups stop first (unacknowledged messages go back to the
    // queue), so no new pass starts loops while the worker drains; the
    // worker stops polling at once rather than after a pass in flight, and its running
    // activities get WORKER_SHUTDOWN_GRACE to finish (../worker/shutdown.ts).
    metricsUrl: metrics.url,
    stop: async () => {
      clearInterval(timer);
      await wakeups?.stop();
      await Promise.all([running, worker.stop()]);
      await connection.close();
      await nativeConnection.close();
      await closeQuietly(metrics);
    },
  };
}

/** Ready only while the worker polls: not while it starts, drains or after it stopped. */
function workerPolling(state: () => string): () => Promise<CheckResult> {
  return async () => (state() === 'RUNNING' ? { name: 'worker', ok: true } : { name: 'worker', ok: false, reason: `the worker is ${state().toLowerCase()}` });
}

async function closeQuietly(server: MetricsServer): Promise<void> {
  await server.close().catch(() => undefined);
}
