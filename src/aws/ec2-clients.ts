// One EC2 client per region, created on first use and reused (each keeps its own
// keep-alive connection pool).
//
// The SDK's own retries are kept small and each HTTP request has a deadline, so one
// Temporal activity attempt takes a bounded time; Temporal owns the longer retries and
// their backoff (the layering is described at DEFAULT_AWS_MAX_ATTEMPTS in src/config.ts).
// The options come from src/config.ts: `endpoint` is how tests and local development point
// every region at an EC2-compatible server (the SDK's standard AWS_ENDPOINT_URL_EC2 setting),
// `maxAttempts` and `retryMode` are the SDK's standard AWS_MAX_ATTEMPTS and AWS_RETRY_MODE,
// read and validated there and passed explicitly (so the SDK's own reading never differs).
import { EC2Client } from '@aws-sdk/client-ec2';
import { DEFAULT_AWS_MAX_ATTEMPTS, type Config } from '../config';
import { REGION_REGEXP } from '../domain/identifiers';
import { Ec2Error } from './errors';

export interface Ec2ClientOptions {
  /** Base URL of an EC2-compatible endpoint used for every region; AWS's own when absent. */
  endpoint?: string;
  /** Static credentials; the SDK's default provider chain (role, profile, ...) when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per SDK call, the first included. Default 2: one quick retry, then Temporal's turn. */
  maxAttempts?: number;
  /** The SDK's retry strategy: `adaptive` adds client-side rate limiting; anything else is `standard`. Default `standard`. */
  retryMode?: Config['awsRetry']['mode'];
  /** Deadline of one HTTP request in ms, connecting included. Default 20 000. */
  requestTimeoutMs?: number;
  /** Deadline for the TCP connection in ms. Default 5 000. */
  connectTimeoutMs?: number;
}

export interface Ec2Clients {
  /** The client of `region`; throws Ec2Error `invalid` (InvalidRegion) for a string that is not a region name. */
  forRegion(region: string): EC2Client;
  /** Closes every client's connections; later forRegion calls create new clients. */
  destroy(): void;
}

export const DEFAULT_MAX_ATTEMPTS = DEFAULT_AWS_MAX_ATTEMPTS;
const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

function createClient(region: string, options: Ec2ClientOptions): EC2Client {
  return new EC2Client({
    region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: options.retryMode ?? 'standard',
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // Without this the SDK only logs a warning when the request deadline passes.
      throwOnRequestTimeout: true,
    },
  });
}

export function createEc2Clients(options: Ec2ClientOptions = {}): Ec2Clients {
  const clients = new Map<string, EC2Client>();
  return {
    forRegion(region) {
      let client = clients.get(region);
      if (!client) {
        // The region becomes part of the endpoint's host name: nothing but a region name may.
        if (!REGION_REGEXP.test(region)) {
          throw new Ec2Error({ kind: 'invalid', code: 'InvalidRegion', message: `not an AWS region name: ${JSON.stringify(region)}` });
        }
        client = createClient(region, options);
        clients.set(region, client);
      }
      return client;
    },
    destroy() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}

/**
 * Client options from the configuration. An EC2-compatible endpoint (moto) without AWS
 * credentials gets placeholder credentials, since it ignores them but the SDK insists.
 */
export function ec2OptionsFor(config: Pick<Config, 'ec2Endpoint' | 'awsCredentialsConfigured'> & Partial<Pick<Config, 'awsRetry'>>): Ec2ClientOptions {
  return awsClientOptions(config.ec2Endpoint, config);
}

/** The options every AWS client of ours shares, for an endpoint override (or AWS's own when undefined). */
export function awsClientOptions(endpoint: string | undefined, config: Pick<Config, 'awsCredentialsConfigured'> & Partial<Pick<Config, 'awsRetry'>>): Ec2ClientOptions {
  const placeholder = endpoint && !config.awsCredentialsConfigured;
  return {
    endpoint,
    maxAttempts: config.awsRetry?.maxAttempts, retryMode: config.awsRetry?.mode,
    ...(placeholder ? { credentials: { accessKeyId: 'local-endpoint', secretAccessKey: 'local-endpoint' } } : {}),
  };
}
