// The worker role as a separate OS process, for tests that kill it (crash-safety). Run with
// `node --import tsx test/support/worker-child.ts`; configured through the environment exactly
// like `npm start -- worker`. It uses the workflow bundle the jest global setup built (when
// TEST_WORKFLOW_BUNDLE is set) instead of bundling again, starts the loops that are missing,
// and prints READY_LINE once it polls. It exits when its stdin closes, so a test runner that
// dies without killing it does not leave it running.
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { createPrisma } from '../../src/db/client';
import { createLogger } from '../../src/logger';
import { createWorkflowControl } from '../../src/temporal/workflow-control';
import { buildActivityDeps, NativeConnection, reconcileLoops, startWorker } from '../../src/worker/worker';

const READY_LINE = 'worker-child: polling';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const address = config.temporal.address!;
  const db = createPrisma(config.databaseUrl!);
  const nativeConnection = await NativeConnection.connect({ address });
  const bundle = process.env.TEST_WORKFLOW_BUNDLE;
  await startWorker({
    connection: nativeConnection, namespace: config.temporal.namespace, deps: buildActivityDeps(config, db), logger,
    ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
  });
  const connection = await Connection.connect({ address });
  const control = createWorkflowControl(new Client({ connection, namespace: config.temporal.namespace }), {
    allowedRegions: config.allowedRegions, ...config.timing,
  });
  await reconcileLoops(control, db, config.allowedRegions, logger);
  process.stdout.write(`${READY_LINE}\n`);
}

process.stdin.on('end', () => process.exit(3));
process.stdin.resume();
main().catch((err: unknown) => {
  process.stderr.write(`worker-child failed to start: ${String(err)}\n`);
  process.exit(1);
});
