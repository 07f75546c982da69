// Connections to Temporal from the settings of ../config-temporal.ts: the API's client, the
// worker's client (loop reconciliation, search attributes) and the worker's native connection
// (src/processes/worker-process.ts) share the same address, TLS, API key and headers.
import { Connection } from '@temporalio/client';
import type { TemporalSettings } from '../config-temporal';
import { describeCauses } from '../log-errors';

const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;

/** Options both Connection and NativeConnection accept. */
export interface SharedConnectionOptions {
  address: string; tls: TemporalSettings['tls']; apiKey: string | undefined; metadata: Record<string, string> | undefined;
}

export function connectionOptions(settings: TemporalSettings): SharedConnectionOptions {
  if (!settings.address) throw new Error('the Temporal address must be resolved before connecting');
  return { address: settings.address, tls: settings.tls, apiKey: settings.apiKey, metadata: settings.metadata };
}

/** What the settings are, for messages and logs: address, namespace, TLS, whether a key is set (never the key). */
export function describeTemporal(settings: TemporalSettings): { address: string | undefined; namespace: string; tls: boolean; apiKeySet: boolean } {
  const apiKeySet = Boolean(settings.apiKey);
  return { address: settings.address, namespace: settings.namespace, tls: Boolean(settings.tls) || (settings.tls === undefined && apiKeySet), apiKeySet };
}

/** A connection attempt at start failed; the message says where to, how, and why. */
export class TemporalConnectError extends Error {
  constructor(settings: TemporalSettings, cause: unknown) {
    const how = describeTemporal(settings);
    super(`Cannot connect to Temporal at ${how.address} (namespace ${how.namespace}, TLS ${how.tls ? 'on' : 'off'}, `
      + `API key ${how.apiKeySet ? 'set' : 'not set'}): ${describeCauses(cause)}${hint(cause)}`, { cause });
    this.name = 'TemporalConnectError';
  }
}

function hint(err: unknown): string {
  const text = describeCauses(err);
  const code = (err as { code?: unknown }).code;
  if (code === UNAUTHENTICATED || code === PERMISSION_DENIED || /unauthenticated|permission denied|unauthorized|forbidden/i.test(text)) {
    return ' (check TEMPORAL_API_KEY and the client certificate, TEMPORAL_TLS_CLIENT_CERT_*/TEMPORAL_TLS_CLIENT_KEY_*)';
  }
  if (/tls|ssl|certificate|handshake|alert/i.test(text)) {
    return ' (check TEMPORAL_TLS_*: the client certificate and key, the server CA and TEMPORAL_TLS_SERVER_NAME)';
  }
  return '';
}

/**
 * Connects now and checks the frontend answers; throws TemporalConnectError. A failed attempt
 * closes its channel, which would otherwise keep retrying in the background.
 */
export async function connectClient(settings: TemporalSettings): Promise<Connection> {
  const connection = Connection.lazy(connectionOptions(settings));
  try {
    await connection.ensureConnected();
    return connection;
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw new TemporalConnectError(settings, err);
  }
}

/** A client connection made on first use, so the API starts (and answers 503s) while Temporal is down. */
export function lazyClient(settings: TemporalSettings): Connection {
  return Connection.lazy(connectionOptions(settings));
}

