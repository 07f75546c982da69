// A real Temporal server for workflow tests: `temporal server start-dev` on 127.0.0.1, in
// memory, on a random port, with the project's search attributes registered. Each call starts
// its own server (several seconds); share one per test file and call `teardown()` in afterAll.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from '../../src/dev/temporal-cli';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';

/** Generous: the first call of a fresh clone builds the CLI from source (several minutes). */
export const TEMPORAL_STARTUP_TIMEOUT_MS = 15 * 60_000;

export interface TestTemporalOptions {
  /**
   * Server dynamic config, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 40 }` to make
   * workflows continue as new after a few iterations. Values are sent as JSON.
   */
  dynamicConfig?: Record<string, unknown>;
  /** The server's log level (default `warn`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export async function startTestTemporal(options: TestTemporalOptions = {}): Promise<TestWorkflowEnvironment> {
  const extraArgs = Object.entries(options.dynamicConfig ?? {}).flatMap(([k, v]) => [
    '--dynamic-config-value',
    `${k}=${JSON.stringify(v)}`,
  ]);
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await ensureTemporalCli() },
      ip: '127.0.0.1',
      searchAttributes: [...SEARCH_ATTRIBUTES],
      extraArgs,
      ...(options.logLevel ? { log: { format: 'pretty', level: options.logLevel } } : {}),
    },
  });
}
