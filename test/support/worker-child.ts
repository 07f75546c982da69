// The worker role as a separate OS process, for tests that kill it (crash-safety) or stop it
// with SIGTERM (worker-shutdown). Run with `node --import tsx test/support/worker-child.ts`;
// configured through the environment exactly like `npm start -- worker`, and started and
// stopped by the same code (src/processes/roles.ts). It uses the workflow bundle the jest
// global setup built (when TEST_WORKFLOW_BUNDLE is set) instead of bundling again, and prints
// READY_LINE once it polls. It exits when its stdin closes, so a test runner that dies
// without killing it does not leave it running.
import { loadConfig } from '../../src/config';
import { describeCauses } from '../../src/log-errors';
import { createLogger } from '../../src/logger';
import { startRole, stopOnSignals } from '../../src/processes/roles';

export const READY_LINE = 'worker-child: polling';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const bundle = process.env.TEST_WORKFLOW_BUNDLE;
  const stop = await startRole('worker', logger, config, bundle ? { workflowBundle: { codePath: bundle } } : {});
  stopOnSignals(stop, logger);
  process.stdout.write(`${READY_LINE}\n`);
}

if (require.main === module) {
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  main().catch((err: unknown) => {
    process.stderr.write(`worker-child failed to start: ${describeCauses(err)}\n`);
    process.exit(1);
  });
}
