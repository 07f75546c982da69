// Helpers for the security tests: raw HTTP requests whose every signed and sent part is
// under the test's control, second API replicas over the same database, and clients with
// narrow scopes.
import http from 'node:http';
import { buildServices, startApiServer } from '../../src/api/server';
import type { ApiServices } from '../../src/api/services';
import { createPrisma } from '../../src/db/client';
import { createClientRepository } from '../../src/db/clients';
import { SecretBox } from '../../src/db/secret-box';
import { createLogger } from '../../src/logger';
import type { ApiHarness } from '../support/api-harness';

// The hawk 2.x that taskcluster-client 1.6.3 signs with, i.e. what real clients send.
const clientHawk = require('taskcluster-client/node_modules/hawk');

export interface Credentials { clientId: string; accessToken: string }

export const AUTH_FAILED = { code: 'AuthenticationFailed', message: 'Authentication failed.' };

/** What a Hawk header covers. `path` includes the query; it is signed byte for byte. */
export interface Signed {
  method: string;
  host: string;
  port: number;
  path: string;
  credentials: Credentials;
  /** Seconds since the epoch, or any string to put in `ts` verbatim; default: now. */
  timestamp?: number | string;
  nonce?: string;
  /** When given, the header carries a payload hash over it and `contentType`. */
  payload?: string;
  contentType?: string;
}

export function hawkHeader(s: Signed): string {
  // A URL object rather than a string, so that no URL parser normalises the path (`%2e%2e`).
  const uri = { protocol: 'http:', hostname: s.host, port: String(s.port), pathname: s.path, search: '' };
  const { field, err } = clientHawk.client.header(uri, s.method, {
    credentials: { id: s.credentials.clientId, key: s.credentials.accessToken, algorithm: 'sha256' },
    timestamp: s.timestamp, nonce: s.nonce, payload: s.payload, contentType: s.contentType,
  });
  if (err) throw new Error(err);
  return field as string;
}

export interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: unknown; text: string }

export interface RawRequest {
  method: string;
  /** Sent exactly as given (already percent-encoded). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one request to `baseUrl` (http://127.0.0.1:<port>) on a fresh connection. */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...req.headers };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, method: req.method, path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
      res.on('error', reject);
    });
    request.on('error', reject);
    request.end(req.body);
  });
}

/** Signs for the server at `baseUrl` and sends; `clockOffsetMs` moves the signing clock like the server's. */
export function signedRaw(baseUrl: string, req: RawRequest, credentials: Credentials, clockOffsetMs = 0): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const timestamp = Math.floor((Date.now() + clockOffsetMs) / 1000);
  const authorization = hawkHeader({ method: req.method, host: hostname, port: Number(port), path: req.path, credentials, timestamp });
  return rawRequest(baseUrl, { ...req, headers: { host: `${hostname}:${port}`, authorization, ...req.headers } });
}

export interface Replica { url: string; services: ApiServices; stop(): Promise<void> }

/**
 * Another API process over the harness's database: its own connection pool, nonce store
 * and rate-limit view, nothing shared in memory. Its logs go to the harness's.
 */
export async function startReplica(h: ApiHarness, options: { listLimit?: number } = {}): Promise<Replica> {
  const db = createPrisma(h.databaseUrl);
  const logger = createLogger('debug', { write: (line: string) => void h.logs.push(line) });
  const services = buildServices(h.config, db, logger, { workflows: h.env.workflows, ec2: h.env.ec2, ...options });
  const api = await startApiServer(services, 0, '127.0.0.1');
  return { url: api.url, services, stop: async () => { await api.close(); await db.$disconnect(); } };
}

/** A stored client with exactly these scopes; returns its credentials. */
export async function createClient(h: ApiHarness, clientId: string, scopes: string[], expires: Date | null = null): Promise<Credentials> {
  const created = await createClientRepository(h.db, new SecretBox(h.config.secretsKey!)).create(clientId, scopes, '', expires);
  return { clientId: created.clientId, accessToken: created.accessToken };
}

export const hawkNonceCount = (h: ApiHarness): Promise<number> => h.db.hawkNonce.count();
