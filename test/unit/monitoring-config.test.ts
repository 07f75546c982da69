// The monitoring settings: documented defaults, 0 meaning what the README says, and every bad
// value refused by name.
import { ConfigError, loadConfig } from '../../src/config';

const production = {
  DATABASE_URL: 'postgresql://u:p@db:5432/provisioner', ROOT_ACCESS_TOKEN: 'r'.repeat(30), SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
  TEMPORAL_ADDRESS: 'temporal:7233', TASKCLUSTER_ROOT_URL: 'https://tc.example.com',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...production, ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

test('defaults: the worker listener on 9464, the Temporal SDK exporter on 9465, on every interface', () => {
  expect(loadConfig(production).monitoring).toEqual({ workerMetricsPort: 9464, temporalMetricsPort: 9465, metricsHost: '0.0.0.0' });
});

test('set values are taken; 0 is a free port for the listener and off for the SDK exporter', () => {
  expect(loadConfig({ ...production, WORKER_METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' }).monitoring)
    .toEqual({ workerMetricsPort: 0, temporalMetricsPort: 0, metricsHost: '127.0.0.1' });
  expect(loadConfig({ ...production, WORKER_METRICS_PORT: '9100', TEMPORAL_METRICS_PORT: '9101' }).monitoring)
    .toMatchObject({ workerMetricsPort: 9100, temporalMetricsPort: 9101 });
});

test.each([
  ['WORKER_METRICS_PORT', 'nine', 'WORKER_METRICS_PORT must be an integer between 0 and 65535 (got "nine")'],
  ['WORKER_METRICS_PORT', '65536', 'WORKER_METRICS_PORT must be an integer between 0 and 65535'],
  ['WORKER_METRICS_PORT', '-1', 'WORKER_METRICS_PORT must be an integer between 0 and 65535'],
  ['TEMPORAL_METRICS_PORT', '1.5', 'TEMPORAL_METRICS_PORT must be an integer between 0 and 65535 (got "1.5")'],
  ['TEMPORAL_METRICS_PORT', '9464', 'TEMPORAL_METRICS_PORT and WORKER_METRICS_PORT must differ (both are 9464)'],
  ['METRICS_HOST', 'http://0.0.0.0', 'METRICS_HOST must be a host name or IPv4 address (got "http://0.0.0.0")'],
  ['METRICS_HOST', '0.0.0.0:9000', 'METRICS_HOST must be a host name or IPv4 address'],
])('%s=%s is refused: %s', (name, value, message) => {
  expect(problems({ [name]: value }).join('\n')).toContain(message);
});

test('both ports may be 0 together (a free listener port, the exporter off)', () => {
  expect(problems({ WORKER_METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0' })).toEqual([]);
});
