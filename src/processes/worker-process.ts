// The worker role: hosts the workflows and activities, and keeps a loop running for every
// worker type and allowed region (reconciled at start and periodically).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PrismaClient } from '../generated/prisma/client';
import { createWorkflowControl } from '../temporal/workflow-control';
import { buildActivityDeps, installTemporalLogging, reconcileLoops, startWorker } from '../worker/worker';

/** How often every replica checks that no loop is missing. */
export const RECONCILE_INTERVAL_MS = 5 * 60_000;

export async function startWorkerProcess(config: Config, db: PrismaClient, logger: Logger, address: string): Promise<{ stop(): Promise<void> }> {
  installTemporalLogging(logger);
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await startWorker({ connection: nativeConnection, namespace: config.temporal.namespace, deps: buildActivityDeps(config, db), logger });
  const connection = await Connection.connect({ address });
  const control = createWorkflowControl(new Client({ connection, namespace: config.temporal.namespace }), {
    allowedRegions: config.allowedRegions, ...config.timing,
  });
  const reconcile = () => reconcileLoops(control, db, config.allowedRegions, logger)
    .catch((err: unknown) => logger.warn({ err: String(err) }, 'loop reconciliation failed; retrying later'));
  await reconcile();
  const timer = setInterval(() => void reconcile(), RECONCILE_INTERVAL_MS);
  timer.unref();
  logger.info({ namespace: config.temporal.namespace, address }, 'worker polling');
  return {
    stop: async () => {
      clearInterval(timer);
      await worker.stop();
      await connection.close();
      await nativeConnection.close();
    },
  };
}
