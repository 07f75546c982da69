// Configuration: every bad or missing value is reported together, by name; dev mode fills
// in what a newcomer does not have; defaults are the documented ones.
import { ConfigError, loadConfig } from '../../src/config';

const KEY = Buffer.alloc(32, 1).toString('base64');
const production = {
  DATABASE_URL: 'postgresql://u:p@db:5432/provisioner', ROOT_ACCESS_TOKEN: 'r'.repeat(30), SECRETS_KEY: KEY,
  TEMPORAL_ADDRESS: 'temporal:7233', TASKCLUSTER_ROOT_URL: 'https://tc.example.com',
};

function problems(env: Record<string, string>, mode: 'production' | 'dev' | 'cli' = 'production'): string[] {
  try {
    loadConfig(env, mode);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

test('a complete production environment gives the documented defaults', () => {
  const config = loadConfig(production);
  expect(config).toMatchObject({
    port: 5557, provisionerId: 'aws-provisioner-v1', publicUrl: 'http://127.0.0.1:5557',
    allowedRegions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-central-1'],
    queue: { rootUrl: 'https://tc.example.com' }, temporal: { address: 'temporal:7233', namespace: 'default' },
    credentialsIssuer: { clientId: 'worker-credentials', accessToken: undefined },
    awsRetry: { maxAttempts: 2, mode: 'standard' }, pricingRegion: 'us-east-1', pricingEndpoint: undefined, pricingDisabled: false,
    workerTypeStability: 'experimental', workflowCacheSize: undefined, devQueuePort: 5558, devTemporalPort: 7233, devTemporalUiPort: 8233,
  });
  expect(config.timing).toEqual({
    iterationIntervalMs: 30_000, inventoryIntervalMs: 60_000, spotPriceIntervalMs: 300_000,
    maxInstanceLifetimeMs: 96 * 3_600_000, registrationTimeoutMs: 30 * 60_000, capacityCooldownMs: 5 * 60_000,
    reconcileIntervalMs: 300_000, workerShutdownGraceMs: 30_000, iterationRecordMaxAgeMs: 300_000,
  });
  expect(config.secretsKey).toEqual(Buffer.alloc(32, 1));
});

test('WORKFLOW_CACHE_SIZE is the worker\'s workflow cache; unset leaves the SDK\'s default', () => {
  expect(loadConfig({ ...production, WORKFLOW_CACHE_SIZE: '1500' }).workflowCacheSize).toBe(1500);
  expect(loadConfig({ ...production, WORKFLOW_CACHE_SIZE: '' }).workflowCacheSize).toBeUndefined();
});

test('an empty production environment names every required variable at once', () => {
  const found = problems({}).join('\n');
  for (const name of ['DATABASE_URL', 'ROOT_ACCESS_TOKEN', 'SECRETS_KEY', 'TEMPORAL_ADDRESS', 'TASKCLUSTER_ROOT_URL']) {
    expect(found).toContain(name);
  }
});

test.each([
  ['PORT', 'eighty', 'PORT must be an integer'],
  ['WORKFLOW_CACHE_SIZE', '1', 'WORKFLOW_CACHE_SIZE must be an integer of at least 2 (got "1")'],
  ['WORKFLOW_CACHE_SIZE', '2.5', 'WORKFLOW_CACHE_SIZE must be an integer of at least 2 (got "2.5")'],
  ['WORKFLOW_CACHE_SIZE', 'lots', 'WORKFLOW_CACHE_SIZE must be an integer of at least 2'],
  ['PORT', '70000', 'PORT must be an integer between 0 and 65535'],
  ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must start with postgresql://'],
  ['ROOT_ACCESS_TOKEN', 'short', 'ROOT_ACCESS_TOKEN must be at least 22 characters'],
  ['SECRETS_KEY', 'c2hvcnQ=', 'SECRETS_KEY must be 32 bytes'],
  ['PUBLIC_URL', 'ftp://x', 'PUBLIC_URL must be an http(s) URL'],
  ['PROVISIONER_ID', 'has spaces', 'PROVISIONER_ID must match'],
  ['ALLOWED_REGIONS', 'us-west-2,mars-1', 'ALLOWED_REGIONS contains invalid region names: mars-1'],
  ['ALLOWED_REGIONS', 'us-west-2,us-west-2', 'ALLOWED_REGIONS lists a region more than once'],
  ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of'],
  ['ITERATION_INTERVAL', '0', 'ITERATION_INTERVAL must be a positive number'],
  ['WORKER_SHUTDOWN_GRACE', 'thirty', 'WORKER_SHUTDOWN_GRACE must be a positive number (got "thirty")'],
  ['ITERATION_RECORD_MAX_AGE', '-1', 'ITERATION_RECORD_MAX_AGE must be a non-negative number (got "-1")'],
  ['TRUST_PROXY', 'maybe', 'TRUST_PROXY must be true or false'],
  ['TASKCLUSTER_CLIENT_ID', 'provisioner', 'TASKCLUSTER_ACCESS_TOKEN is required when TASKCLUSTER_CLIENT_ID is set'],
  ['AWS_MAX_ATTEMPTS', 'three', 'AWS_MAX_ATTEMPTS must be an integer from 1 to 5 (got "three")'],
  ['AWS_MAX_ATTEMPTS', '0', 'AWS_MAX_ATTEMPTS must be an integer from 1 to 5 (got "0")'],
  ['AWS_MAX_ATTEMPTS', '2.5', 'AWS_MAX_ATTEMPTS must be an integer from 1 to 5'],
  ['AWS_MAX_ATTEMPTS', '6', 'AWS_MAX_ATTEMPTS must be an integer from 1 to 5 (got "6")'],
  ['AWS_RETRY_MODE', 'aggressive', 'AWS_RETRY_MODE must be one of standard, adaptive, legacy (got "aggressive")'],
  ['AWS_RETRY_MODE', 'Standard', 'AWS_RETRY_MODE must be one of standard, adaptive, legacy (got "Standard")'],
  ['AWS_ENDPOINT_URL_PRICING', 'pricing.local', 'AWS_ENDPOINT_URL_PRICING must be an http(s) URL'],
  ['PRICING_API_REGION', 'us-west-2', 'PRICING_API_REGION must be one of us-east-1, eu-central-1, ap-south-1 (got "us-west-2")'],
  ['WORKER_TYPE_STABILITY', 'beta', 'WORKER_TYPE_STABILITY must be one of experimental, stable, deprecated (got "beta")'],
  ['DEV_TEMPORAL_PORT', 'x', 'DEV_TEMPORAL_PORT must be an integer between 0 and 65535 (got "x")'],
  ['DEV_TEMPORAL_UI_PORT', '-1', 'DEV_TEMPORAL_UI_PORT must be an integer between 0 and 65535'],
  ['DEV_TEMPORAL_UI_PORT', '7233', 'DEV_TEMPORAL_PORT and DEV_TEMPORAL_UI_PORT must differ'],
])('%s=%s is refused: %s', (name, value, message) => {
  expect(problems({ ...production, [name]: value }).join('\n')).toContain(message);
});

test('dev ports and the declared stability are settings', () => {
  expect(loadConfig({ ...production, DEV_TEMPORAL_PORT: '17233', DEV_TEMPORAL_UI_PORT: '0', DEV_QUEUE_PORT: '0', WORKER_TYPE_STABILITY: 'stable' }))
    .toMatchObject({ devTemporalPort: 17233, devTemporalUiPort: 0, devQueuePort: 0, workerTypeStability: 'stable' });
});

test('a hex secrets key is accepted, and QUEUE_BASE_URL overrides where the Queue is', () => {
  const config = loadConfig({ ...production, SECRETS_KEY: 'ab'.repeat(32), QUEUE_BASE_URL: 'https://queue.example.com/v1' });
  expect(config.secretsKey).toEqual(Buffer.alloc(32, 0xab));
  expect(config.queue).toEqual({ baseUrl: 'https://queue.example.com/v1' });
  expect(config.taskclusterRootUrl).toBe('https://tc.example.com');
});

test('production never guesses the root URL workers are given, even with QUEUE_BASE_URL', () => {
  const { TASKCLUSTER_ROOT_URL: _omit, ...rest } = production;
  const found = problems({ ...rest, QUEUE_BASE_URL: 'https://queue.example.com/v1' }).join('\n');
  expect(found).toContain('TASKCLUSTER_ROOT_URL is required: workers reach this API at <TASKCLUSTER_ROOT_URL>/api/aws-provisioner/v1');
  expect(loadConfig({ ...production, TASKCLUSTER_ROOT_URL: 'https://tc.example.com/' }).taskclusterRootUrl).toBe('https://tc.example.com');
});

test('dev mode needs nothing; the cli mode needs only the database and the key', () => {
  expect(problems({}, 'dev')).toEqual([]);
  expect(problems({ DATABASE_URL: production.DATABASE_URL, SECRETS_KEY: KEY }, 'cli')).toEqual([]);
  expect(problems({}, 'cli').join('\n')).toContain('SECRETS_KEY');
});

describe('AUTH_MODE and AUTH_TIMEOUT', () => {
  const delegated = {
    ...production, AUTH_MODE: 'taskcluster', TASKCLUSTER_CLIENT_ID: 'project/provisioner', TASKCLUSTER_ACCESS_TOKEN: 't'.repeat(44),
  };

  test('local is the default, and AUTH_TIMEOUT defaults to 5 s', () => {
    expect(loadConfig(production).auth).toEqual({ mode: 'local' });
    expect(loadConfig(delegated).auth).toEqual({
      mode: 'taskcluster', authenticateHawkUrl: 'https://tc.example.com/api/auth/v1/authenticate-hawk', timeoutMs: 5000,
    });
  });

  test('the Auth service is found under the root URL, and the timeout may be a fraction of a second', () => {
    const config = loadConfig({ ...delegated, TASKCLUSTER_ROOT_URL: 'https://tc.example.com/', AUTH_TIMEOUT: '0.25' });
    expect(config.auth).toEqual({ mode: 'taskcluster', authenticateHawkUrl: 'https://tc.example.com/api/auth/v1/authenticate-hawk', timeoutMs: 250 });
  });

  test('the root client is local mode\'s only: delegated mode does not ask for ROOT_ACCESS_TOKEN', () => {
    const { ROOT_ACCESS_TOKEN: _omit, ...rest } = delegated;
    expect(problems(rest)).toEqual([]);
    expect(problems({ ...rest, AUTH_MODE: 'local' }).join('\n')).toContain('ROOT_ACCESS_TOKEN is required');
  });

  test.each([
    [{ AUTH_MODE: 'remote' }, 'AUTH_MODE must be local or taskcluster (got "remote")'],
    [{ AUTH_TIMEOUT: '0' }, 'AUTH_TIMEOUT must be a number of seconds above 0 and at most 60 (got "0")'],
    [{ AUTH_TIMEOUT: 'soon' }, 'AUTH_TIMEOUT must be a number of seconds above 0 and at most 60 (got "soon")'],
    [{ AUTH_TIMEOUT: '61' }, 'AUTH_TIMEOUT must be a number of seconds above 0 and at most 60 (got "61")'],
    [{ TASKCLUSTER_CLIENT_ID: '', TASKCLUSTER_ACCESS_TOKEN: '' }, 'AUTH_MODE=taskcluster requires TASKCLUSTER_CLIENT_ID and TASKCLUSTER_ACCESS_TOKEN'],
  ])('%j is refused: %s', (change, message) => {
    expect(problems({ ...delegated, ...change }).join('\n')).toContain(message);
  });

  test('dev mode without a root URL cannot delegate', () => {
    expect(problems({ AUTH_MODE: 'taskcluster', TASKCLUSTER_CLIENT_ID: 'p', TASKCLUSTER_ACCESS_TOKEN: 'x' }, 'dev').join('\n'))
      .toContain('AUTH_MODE=taskcluster requires TASKCLUSTER_ROOT_URL');
  });
});

test.each([
  [{ AWS_MAX_ATTEMPTS: '1' }, { maxAttempts: 1, mode: 'standard' }],
  [{ AWS_MAX_ATTEMPTS: '5', AWS_RETRY_MODE: 'adaptive' }, { maxAttempts: 5, mode: 'adaptive' }],
  [{ AWS_RETRY_MODE: 'legacy' }, { maxAttempts: 2, mode: 'legacy' }],
  [{ AWS_MAX_ATTEMPTS: '', AWS_RETRY_MODE: '' }, { maxAttempts: 2, mode: 'standard' }],
])('the SDK retry settings %j give %j', (env, awsRetry) => {
  expect(loadConfig({ ...production, ...env }).awsRetry).toEqual(awsRetry);
});

test('the Price List endpoint and region are settings', () => {
  expect(loadConfig({ ...production, AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:4566', PRICING_API_REGION: 'ap-south-1' }))
    .toMatchObject({ pricingEndpoint: 'http://127.0.0.1:4566', pricingRegion: 'ap-south-1' });
});

describe('PULSE_URL', () => {
  test('unset or empty: no events are published', () => {
    expect(loadConfig(production).pulseUrl).toBeUndefined();
    expect(loadConfig({ ...production, PULSE_URL: '' }).pulseUrl).toBeUndefined();
  });

  test.each([
    'amqp://guest:guest@127.0.0.1:5672', 'amqps://user:p%40ss@pulse.example.com/vhost', 'amqp://broker',
  ])('%s is taken as it is', (url) => {
    expect(loadConfig({ ...production, PULSE_URL: url }).pulseUrl).toBe(url);
  });

  test.each([
    ['https://user:hunter2@pulse.example.com', 'PULSE_URL must use the amqp: or amqps: scheme (got "https:")'],
    ['amqp://', 'PULSE_URL must name the broker host'],
    ['hunter2 not a url', 'PULSE_URL must be an AMQP URL'],
  ])('%s is refused without echoing the password', (url, message) => {
    const found = problems({ ...production, PULSE_URL: url }).join('\n');
    expect(found).toContain(message);
    expect(found).not.toContain('hunter2');
  });

  test('is reported together with the other problems', () => {
    const found = problems({ ...production, PULSE_URL: 'http://x', PORT: 'eighty' });
    expect(found).toHaveLength(2);
  });
});
