// taskcluster-client 1.6.3 (what docker-worker used) as the docker-worker simulator calls it,
// with each call's HTTP status read from Node's HTTP diagnostics channel: the client itself
// returns only the body on success.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { TemporaryCredentials } from './credentials';
import type { CallLog } from './wire';

// CommonJS without types.
const taskcluster = require('taskcluster-client');

type Method = (...args: unknown[]) => Promise<unknown>;
export type JsProvisioner = Record<'getSecret' | 'removeSecret' | 'workerType', Method>;

/**
 * An AwsProvisioner client. No credentials means unsigned requests (the client would otherwise
 * pick up TASKCLUSTER_* variables). `retries` defaults to 0 here (the client's default is 5).
 */
export function jsProvisioner(baseUrl: string, credentials?: TemporaryCredentials, retries = 0): JsProvisioner {
  return new taskcluster.AwsProvisioner({ baseUrl, credentials: credentials ?? {}, retries });
}

export interface JsOutcome { value?: unknown; error?: Error & { statusCode?: number } }

const CHANNEL = 'http.client.response.finish';

/**
 * Runs one client call to `url`, logs it as `provisioner <name>` with the status of the last
 * response to that URL, and returns the value or the error (never throws).
 */
export async function jsCall(log: CallLog, name: string, url: string, call: () => Promise<unknown>): Promise<JsOutcome> {
  const target = new URL(url);
  let status: number | undefined;
  const listener = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    if (request.getHeader('host') === target.host && request.path === target.pathname + target.search) status = response.statusCode;
  };
  subscribe(CHANNEL, listener);
  try {
    const value = await call();
    return { value };
  } catch (err) {
    const error = err as Error & { statusCode?: number };
    status ??= error.statusCode;
    return { error };
  } finally {
    unsubscribe(CHANNEL, listener);
    log.add(`provisioner ${name}`, status);
  }
}
