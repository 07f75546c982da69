// Process entry. Roles:
//   api     the REST API                      (npm start -- api)
//   worker  the Temporal worker               (npm start -- worker)
//   dev     both, plus every dependency that is not configured (npm run dev)
// SIGTERM or SIGINT stops the role (./processes/roles.ts): the worker stops polling and lets
// running activities finish within WORKER_SHUTDOWN_GRACE, then the process exits 0.
import { ConfigError, loadConfig } from './config';
import { describeCauses } from './log-errors';
import { createLogger } from './logger';
import { withDevSecrets } from './dev/dev-secrets';
import { isRole, startRole, stopOnSignals } from './processes/roles';

async function main(): Promise<void> {
  const role = process.argv[2] ?? 'api';
  if (!isRole(role)) throw new ConfigError([`unknown role "${role}" (expected api, worker or dev)`]);
  let config = loadConfig(process.env, role === 'dev' ? 'dev' : 'production');
  const logger = createLogger(config.logLevel);
  if (role === 'dev') {
    const dev = withDevSecrets(config);
    config = dev.config;
    if (dev.generatedRootToken) process.stdout.write(`\nRoot client:  clientId "root", accessToken ${config.rootAccessToken}\n`);
    process.stdout.write(`Root token file: ${config.dataDir}/root-access-token\n`);
  }
  stopOnSignals(await startRole(role, logger, config), logger);
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `Failed to start: ${describeCauses(err)}\n`);
  process.exit(1);
});
