// The process configuration, read once from the environment at start.
// Nothing else in the code base reads process.env; every bad or missing value is
// reported together, by name, so an operator can fix them in one go.
import { PROVISIONER_ID_PATTERN } from './domain/identifiers';
import {
  parseBoolean, parseDatabaseUrl, parseKey, parsePort, parsePositiveInteger, parsePulseUrl, parseRegions, parseSecretsKey, parseToken, parseUrl,
  parseWorkflowCacheSize,
} from './config-values';
import { parseTemporal, type TemporalSettings } from './config-temporal';

export type { TemporalSettings };
export { parseSecretsKey };
import { WORKER_TYPE_STABILITIES, type WorkerTypeStability } from './domain/queue-declaration';
import { RESPONSE_CHECK_MODES, type ResponseCheckMode } from './api/response-check';

/** production: api/worker roles; dev: everything local; cli: commands that only need the database. */
export type RunMode = 'production' | 'dev' | 'cli';

export interface Config {
  mode: RunMode;
  port: number;
  /** Absent only in dev mode, where an embedded PostgreSQL is started instead. */
  databaseUrl: string | undefined;
  /** Base URL clients and instances use to reach the API, without `/v1`. */
  publicUrl: string;
  provisionerId: string;
  /** Access token of the built-in `root` client (scope `*`). */
  rootAccessToken: string | undefined;
  /** 32-byte key (base64 or hex) for encryption at rest. */
  secretsKey: Buffer | undefined;
  /** Identity that signs the temporary credentials handed to booting workers; no token means the built-in one. */
  credentialsIssuer: { clientId: string; accessToken: string | undefined };
  /**
   * TaskCluster root URL advertised to workers in their user data; its ingress routes
   * `/api/aws-provisioner/v1` to this API. Required in production; empty only in dev and
   * cli modes before dev mode supplies its local one.
   */
  taskclusterRootUrl: string;
  allowedRegions: string[];
  logLevel: string;
  /** Who verifies Hawk signatures: the local `Client` table, or TaskCluster's Auth service. */
  auth: AuthConfig;
  /** Trust X-Forwarded-* headers (set when the API runs behind a reverse proxy). */
  trustProxy: boolean;
  temporal: TemporalSettings;
  /** EC2 endpoint override (the SDK's standard AWS_ENDPOINT_URL_EC2); unset means real AWS. */
  ec2Endpoint: string | undefined;
  /** Price List Query API endpoint override (the SDK's standard AWS_ENDPOINT_URL_PRICING); unset means real AWS. */
  pricingEndpoint: string | undefined;
  /** The region whose Price List Query API endpoint is asked (it serves the prices of every region). */
  pricingRegion: string;
  /** No Price List to ask (dev mode on moto without AWS credentials): no on-demand prices, so no on-demand launches. */
  pricingDisabled: boolean;
  /** The AWS SDK's standard retry settings, for the EC2 and Pricing clients alike. */
  awsRetry: AwsRetry;
  /** Whether AWS credentials are configured in the environment (dev mode runs moto otherwise). */
  awsCredentialsConfigured: boolean;
  /** Where the TaskCluster Queue is; unset only in dev mode, where a local one is started. */
  queue: { rootUrl?: string; baseUrl?: string } | undefined;
  /** The stability worker types are declared to the Queue with (declareWorkerType). */
  workerTypeStability: WorkerTypeStability;
  timing: Timing;
  /** Authenticated write requests (PUT, POST, DELETE) a client may make per minute, over all replicas. */
  rateLimitWritesPerMinute: number;
  /** Workflows one worker keeps in memory (the SDK's maxCachedWorkflows); unset: the SDK's default, from the heap size. */
  workflowCacheSize: number | undefined;
  /** Which answers are checked against their route's output schema (src/api/response-check.ts). */
  apiResponseCheck: ResponseCheckMode;
  /** Folder for dev-mode state (embedded database, generated keys). */
  dataDir: string;
  /** Dev mode: port of the local root URL (the local Queue, and the API forwarded under it). */
  devQueuePort: number;
  /** AMQP 0-9-1 URL of the Pulse broker (may hold a password: never log it); unset means no events are published. */
  pulseUrl: string | undefined;
  monitoring: MonitoringSettings;
  /** Dev mode: ports of the Temporal dev server it starts (gRPC frontend, Web UI). */
  devTemporalPort: number;
  devTemporalUiPort: number;
}

/** Where the worker serves its metrics and health (the API serves them on its own port, src/api/monitoring.ts). */
export interface MonitoringSettings {
  /** The worker's /metrics, /healthz and /readyz listener; 0 picks a free port (tests). */
  workerMetricsPort: number;
  /** The Temporal SDK's own Prometheus exporter (a listener of the SDK's native runtime); 0 turns it off. */
  temporalMetricsPort: number;
  /** Interface both listeners bind to. */
  metricsHost: string;
}

/**
 * `local`: the `Client` table and the built-in clients (root, the worker credentials' issuer).
 * `taskcluster`: every signature is checked by the Auth service's `authenticateHawk` at
 * `authenticateHawkUrl`, waiting at most `timeoutMs` for its answer.
 */
export type AuthConfig =
  | { mode: 'local' }
  | { mode: 'taskcluster'; authenticateHawkUrl: string; timeoutMs: number };

export interface Timing {
  iterationIntervalMs: number;
  inventoryIntervalMs: number;
  spotPriceIntervalMs: number;
  maxInstanceLifetimeMs: number;
  registrationTimeoutMs: number;
  capacityCooldownMs: number;
  /** How often each worker replica starts the loops that are missing. */
  reconcileIntervalMs: number;
  /** On SIGTERM, how long the worker lets running activities finish before it cancels them. */
  workerShutdownGraceMs: number;
  /** An iteration whose report repeats the stored one is written only once the stored one is this old (0: always). */
  iterationRecordMaxAgeMs: number;
}

/** AWS_RETRY_MODE values: those of the AWS SDKs' shared settings (the JavaScript SDK runs `legacy` as `standard`). */
const AWS_RETRY_MODES = ['standard', 'adaptive', 'legacy'] as const;

export interface AwsRetry {
  /** Attempts per SDK call, the first included (AWS_MAX_ATTEMPTS). */
  maxAttempts: number;
  mode: (typeof AWS_RETRY_MODES)[number];
}

/**
 * Retries are layered: the SDK retries one call AWS_MAX_ATTEMPTS times within one activity
 * attempt (short backoff, its own throttling token bucket), and Temporal retries the activity
 * with the longer backoff of workflows/activity-options.ts (20 s after throttling). The default
 * is 2, not the SDK's own 3: one quick retry, then Temporal's turn. The ceiling keeps one
 * activity attempt inside its 2-minute startToCloseTimeout: every SDK attempt may take up to
 * its 20 s request deadline (src/aws/ec2-clients.ts).
 */
export const DEFAULT_AWS_MAX_ATTEMPTS = 2;
const MAX_AWS_MAX_ATTEMPTS = 5;

/** The regions that serve the Price List Query API. */
const PRICING_API_REGIONS = ['us-east-1', 'eu-central-1', 'ap-south-1'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const PROVISIONER_ID = new RegExp(PROVISIONER_ID_PATTERN, 'u');
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Record<string, string | undefined>;

/** Parses the environment; throws ConfigError listing every problem. */
export function loadConfig(env: Env, mode: RunMode = 'production'): Config {
  const problems: string[] = [];
  const port = parsePort('PORT', env.PORT, 5557, problems);
  const publicUrl = parseUrl('PUBLIC_URL', env.PUBLIC_URL ?? `http://127.0.0.1:${port}`, problems);
  const provisionerId = env.PROVISIONER_ID ?? 'aws-provisioner-v1';
  if (!PROVISIONER_ID.test(provisionerId)) problems.push(`PROVISIONER_ID must match ${PROVISIONER_ID_PATTERN}`);
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL, mode, problems);
  const authMode = env.AUTH_MODE || 'local';
  if (authMode !== 'local' && authMode !== 'taskcluster') problems.push(`AUTH_MODE must be local or taskcluster (got "${authMode}")`);
  // The root client exists in local mode only; TaskCluster's Auth service knows no such client.
  const rootAccessToken = parseToken('ROOT_ACCESS_TOKEN', env.ROOT_ACCESS_TOKEN, mode === 'production' && authMode === 'local', problems);
  const secretsKey = parseKey(env.SECRETS_KEY, mode, problems);
  const allowedRegions = parseRegions(env.ALLOWED_REGIONS, problems);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  // Unset: the built-in issuer (src/api/auth/worker-issuer.ts), never root.
  const issuerId = env.TASKCLUSTER_CLIENT_ID ?? 'worker-credentials'; // BUILT_IN_ISSUER_ID of src/db/clients.ts
  const issuerToken = env.TASKCLUSTER_CLIENT_ID ? env.TASKCLUSTER_ACCESS_TOKEN : undefined;
  if (env.TASKCLUSTER_CLIENT_ID && !env.TASKCLUSTER_ACCESS_TOKEN) {
    problems.push('TASKCLUSTER_ACCESS_TOKEN is required when TASKCLUSTER_CLIENT_ID is set');
  }
  const trustProxy = parseBoolean('TRUST_PROXY', env.TRUST_PROXY, false, problems);
  const rootUrl = env.TASKCLUSTER_ROOT_URL ? parseUrl('TASKCLUSTER_ROOT_URL', env.TASKCLUSTER_ROOT_URL, problems) : undefined;
  const queueBaseUrl = env.QUEUE_BASE_URL ? parseUrl('QUEUE_BASE_URL', env.QUEUE_BASE_URL, problems) : undefined;
  // Workers since 2018-09 find this service only at <root URL>/api/aws-provisioner/v1, so the
  // root URL written into their user data must be the real one, never a guess.
  if (!rootUrl && mode === 'production') {
    problems.push('TASKCLUSTER_ROOT_URL is required: workers reach this API at <TASKCLUSTER_ROOT_URL>/api/aws-provisioner/v1');
  }
  const taskclusterRootUrl = (rootUrl ?? '').replace(/\/+$/, '');
  const auth = parseAuth(env, authMode, taskclusterRootUrl, problems);
  const queue = rootUrl || queueBaseUrl ? (queueBaseUrl ? { baseUrl: queueBaseUrl } : { rootUrl }) : undefined;
  // Dev mode starts a local dev server when no address is set; cli commands never connect.
  const temporal = parseTemporal(env, mode === 'production', problems);
  const ec2Endpoint = env.AWS_ENDPOINT_URL_EC2 ? parseUrl('AWS_ENDPOINT_URL_EC2', env.AWS_ENDPOINT_URL_EC2, problems) : undefined;
  const pricingEndpoint = env.AWS_ENDPOINT_URL_PRICING ? parseUrl('AWS_ENDPOINT_URL_PRICING', env.AWS_ENDPOINT_URL_PRICING, problems) : undefined;
  const pricingRegion = env.PRICING_API_REGION || 'us-east-1';
  if (!PRICING_API_REGIONS.includes(pricingRegion)) problems.push(`PRICING_API_REGION must be one of ${PRICING_API_REGIONS.join(', ')} (got "${pricingRegion}")`);
  const awsRetry = parseAwsRetry(env, problems);
  const awsCredentialsConfigured = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);
  const timing = parseTiming(env, problems);
  const workerTypeStability = (env.WORKER_TYPE_STABILITY || 'experimental') as WorkerTypeStability;
  if (!WORKER_TYPE_STABILITIES.includes(workerTypeStability)) {
    problems.push(`WORKER_TYPE_STABILITY must be one of ${WORKER_TYPE_STABILITIES.join(', ')} (got "${workerTypeStability}")`);
  }
  const devQueuePort = parsePort('DEV_QUEUE_PORT', env.DEV_QUEUE_PORT, 5558, problems);
  const devTemporalPort = parsePort('DEV_TEMPORAL_PORT', env.DEV_TEMPORAL_PORT, 7233, problems);
  const devTemporalUiPort = parsePort('DEV_TEMPORAL_UI_PORT', env.DEV_TEMPORAL_UI_PORT, 8233, problems);
  if (devTemporalPort !== 0 && devTemporalPort === devTemporalUiPort) problems.push('DEV_TEMPORAL_PORT and DEV_TEMPORAL_UI_PORT must differ');
  const rateLimitWritesPerMinute = parsePositiveInteger('RATE_LIMIT_WRITES_PER_MINUTE', env.RATE_LIMIT_WRITES_PER_MINUTE, 600, problems);
  const workflowCacheSize = parseWorkflowCacheSize(env.WORKFLOW_CACHE_SIZE, problems);
  const apiResponseCheck = (env.API_RESPONSE_CHECK || 'sample') as ResponseCheckMode;
  if (!RESPONSE_CHECK_MODES.includes(apiResponseCheck)) {
    problems.push(`API_RESPONSE_CHECK must be one of ${RESPONSE_CHECK_MODES.join(', ')} (got "${apiResponseCheck}")`);
  }
  const monitoring = parseMonitoring(env, problems);
  const pulseUrl = parsePulseUrl(env.PULSE_URL, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    mode, port, databaseUrl, publicUrl: publicUrl.replace(/\/+$/, ''), provisionerId, rootAccessToken, secretsKey,
    credentialsIssuer: { clientId: issuerId, accessToken: issuerToken },
    taskclusterRootUrl, allowedRegions, logLevel, auth, trustProxy, temporal, ec2Endpoint, pricingEndpoint, pricingRegion, pricingDisabled: false,
    awsRetry,
    awsCredentialsConfigured, queue, workerTypeStability, timing,
    rateLimitWritesPerMinute, workflowCacheSize, apiResponseCheck, dataDir: env.DATA_DIR ?? '.data', devQueuePort, devTemporalPort, devTemporalUiPort, monitoring, pulseUrl,
  };
}

function parseMonitoring(env: Env, problems: string[]): MonitoringSettings {
  const workerMetricsPort = parsePort('WORKER_METRICS_PORT', env.WORKER_METRICS_PORT, 9464, problems);
  const temporalMetricsPort = parsePort('TEMPORAL_METRICS_PORT', env.TEMPORAL_METRICS_PORT, 9465, problems);
  if (temporalMetricsPort !== 0 && temporalMetricsPort === workerMetricsPort) {
    problems.push(`TEMPORAL_METRICS_PORT and WORKER_METRICS_PORT must differ (both are ${workerMetricsPort})`);
  }
  const metricsHost = env.METRICS_HOST || '0.0.0.0';
  // An address the SDK's exporter can bind to as host:port: a name or IPv4 literal, no scheme or port.
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(metricsHost)) problems.push(`METRICS_HOST must be a host name or IPv4 address (got "${metricsHost}")`);
  return { workerMetricsPort, temporalMetricsPort, metricsHost };
}

/** The SDK's AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, validated here so a bad value stops the start, by name. */
function parseAwsRetry(env: Env, problems: string[]): AwsRetry {
  const raw = env.AWS_MAX_ATTEMPTS;
  let maxAttempts = DEFAULT_AWS_MAX_ATTEMPTS;
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 1 && value <= MAX_AWS_MAX_ATTEMPTS) maxAttempts = value;
    else problems.push(`AWS_MAX_ATTEMPTS must be an integer from 1 to ${MAX_AWS_MAX_ATTEMPTS} (got "${raw}")`);
  }
  const rawMode = env.AWS_RETRY_MODE || 'standard';
  const mode = AWS_RETRY_MODES.find((m) => m === rawMode);
  if (!mode) problems.push(`AWS_RETRY_MODE must be one of ${AWS_RETRY_MODES.join(', ')} (got "${rawMode}")`);
  return { maxAttempts, mode: mode ?? 'standard' };
}

/** Durations in the unit their name says; each must be a positive number (or zero where said). */
function parseTiming(env: Env, problems: string[]): Timing {
  const read = (name: string, fallback: number, unitMs: number, zeroAllowed = false) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback * unitMs;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
      problems.push(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number (got "${raw}")`);
      return fallback * unitMs;
    }
    return value * unitMs;
  };
  return {
    iterationIntervalMs: read('ITERATION_INTERVAL', 30, 1000),
    inventoryIntervalMs: read('INVENTORY_INTERVAL', 60, 1000),
    spotPriceIntervalMs: read('SPOT_PRICE_INTERVAL', 300, 1000),
    maxInstanceLifetimeMs: read('MAX_INSTANCE_LIFETIME_HOURS', 96, 3_600_000),
    registrationTimeoutMs: read('REGISTRATION_TIMEOUT_MINUTES', 30, 60_000),
    capacityCooldownMs: read('CAPACITY_COOLDOWN_MINUTES', 5, 60_000),
    reconcileIntervalMs: read('RECONCILE_INTERVAL', 300, 1000),
    workerShutdownGraceMs: read('WORKER_SHUTDOWN_GRACE', 30, 1000),
    iterationRecordMaxAgeMs: read('ITERATION_RECORD_MAX_AGE', 300, 1000, true),
  };
}

/** Longest AUTH_TIMEOUT: every authenticated request waits this long when the Auth service hangs. */
const MAX_AUTH_TIMEOUT_SEC = 60;

function parseAuth(env: Env, mode: string, rootUrl: string, problems: string[]): AuthConfig {
  const raw = env.AUTH_TIMEOUT;
  const timeoutSec = raw === undefined || raw === '' ? 5 : Number(raw);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0 || timeoutSec > MAX_AUTH_TIMEOUT_SEC) {
    problems.push(`AUTH_TIMEOUT must be a number of seconds above 0 and at most ${MAX_AUTH_TIMEOUT_SEC} (got "${raw}")`);
  }
  if (mode !== 'taskcluster') return { mode: 'local' };
  if (!rootUrl) problems.push('AUTH_MODE=taskcluster requires TASKCLUSTER_ROOT_URL (the Auth service is at <root>/api/auth/v1)');
  // Workers' credentials must be valid in the Auth service too, so their issuer must be its client.
  if (!env.TASKCLUSTER_CLIENT_ID) {
    problems.push('AUTH_MODE=taskcluster requires TASKCLUSTER_CLIENT_ID and TASKCLUSTER_ACCESS_TOKEN (a client of the Auth service that signs workers\' credentials)');
  }
  return { mode: 'taskcluster', authenticateHawkUrl: `${rootUrl}/api/auth/v1/authenticate-hawk`, timeoutMs: Math.round(timeoutSec * 1000) };
}
