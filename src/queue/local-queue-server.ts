// A small TaskCluster-Queue-compatible server for tests and local development: it answers
// `pendingTasks` like the real Queue, from counts that a test (setPending) or a person sets:
//
//   curl -X PUT -d '{"pendingTasks": 5}' http://127.0.0.1:<port>/api/queue/v1/pending/<provisionerId>/<workerType>
//
// Routes, under `/api/queue/v1` (root-URL clients) and `/v1` (old-style base URLs):
//   GET  /ping                                   {alive, uptime}
//   GET  /pending/<provisionerId>/<workerType>   {provisionerId, workerType, pendingTasks}; 0 when never set
//   PUT  /pending/<provisionerId>/<workerType>   body {pendingTasks: n}, n a non-negative integer
//   PUT  /provisioners/<provisionerId>/worker-types/<workerType>   declareWorkerType (signed, scoped:
//   GET  /provisioners/<provisionerId>/worker-types/<workerType>   ./local-queue-declarations.ts)
// Errors are TaskCluster-style JSON `{code, message}`. Counts live in memory only.
// As the local root URL it also forwards `/api/aws-provisioner/v1/...` to the API once told
// where it is (`routeProvisioner`), so workers that only know the root URL find both services.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTIFIER_REGEXP } from '../domain/identifiers';
import {
  authorizeDeclaration, DeclarationError, parseDeclaration, upsertWorkerType,
  type DeclarationStore, type DeclaredWorkerType, type LocalQueueClient,
} from './local-queue-declarations';
import { forwardToProvisioner, PROVISIONER_PREFIX } from './root-url-forward';

export type { DeclaredWorkerType, LocalQueueClient };

export interface LocalQueueServerOptions {
  /** Default 0: a free port chosen by the kernel. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base URL of the provisioner API (without `/v1`) that `/api/aws-provisioner/` is forwarded to. */
  provisionerUrl?: string;
  /** Clients whose signed declareWorkerType calls are accepted (with their scopes); default none. */
  clients?: LocalQueueClient[];
}

export interface LocalQueueServer {
  /** The root URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** `url + '/api/queue/v1'`. */
  baseUrl: string;
  /** Sets a count; throws TypeError for an invalid identifier or count. */
  setPending(provisionerId: string, workerType: string, pendingTasks: number): void;
  /** The worker types declared so far (declareWorkerType), in the Queue's answer format. */
  declarations(): DeclaredWorkerType[];
  /** Accepts this client's signed declarations from now on (as clients of the options). */
  addClient(client: LocalQueueClient): void;
  /** Answers the next `count` declareWorkerType calls with a 503 (an outage), whatever they hold. */
  failDeclarations(count: number): void;
  /** Forwards `/api/aws-provisioner/...` to the API at `url` (without `/v1`) from now on. */
  routeProvisioner(url: string): void;
  /** Closes the listener and every open connection. */
  stop(): Promise<void>;
}

const PREFIXES = ['/api/queue/v1', '/v1'];
/** A valid body is about 20 bytes; anything much larger is refused before parsing. */
const MAX_BODY_BYTES = 1024;
/** A declaration carries a worker type's description; the real Queue's body limit is far larger. */
const MAX_DECLARATION_BYTES = 256 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Counts = Map<string, number>;
interface State { counts: Counts; started: number; declared: DeclarationStore }

export async function startLocalQueueServer(options: LocalQueueServerOptions = {}): Promise<LocalQueueServer> {
  const counts: Counts = new Map();
  const state: State = { counts, started: Date.now(), declared: { byKey: new Map(), clients: [...(options.clients ?? [])], failures: 0 } };
  let provisionerUrl = options.provisionerUrl;
  const server = http.createServer((req, res) => {
    if (provisionerUrl && (req.url ?? '').startsWith(PROVISIONER_PREFIX)) {
      forwardToProvisioner(req, res, provisionerUrl);
      return;
    }
    handle(req, state)
      .then((body) => send(res, 200, body))
      .catch((err: unknown) => {
        const e = err instanceof HttpError || err instanceof DeclarationError ? err : new HttpError(500, 'InternalServerError', 'internal error');
        send(res, e.status, { code: e.code, message: e.message });
      });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    baseUrl: `${url}/api/queue/v1`,
    declarations: () => [...state.declared.byKey.values()].map((d) => ({ ...d })),
    addClient(client) {
      state.declared.clients.push(client);
    },
    failDeclarations(count) {
      state.declared.failures = count;
    },
    routeProvisioner(url) {
      provisionerUrl = url;
    },
    setPending(provisionerId, workerType, pendingTasks) {
      checkIdentifier('provisionerId', provisionerId, TypeError);
      checkIdentifier('workerType', workerType, TypeError);
      if (!isCount(pendingTasks)) throw new TypeError(`pendingTasks must be a non-negative integer, got ${pendingTasks}`);
      counts.set(key(provisionerId, workerType), pendingTasks);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(req: http.IncomingMessage, state: State): Promise<unknown> {
  const route = routeOf(req.url ?? '/');
  if (route === 'ping') {
    allow(req, ['GET']);
    return { alive: true, uptime: (Date.now() - state.started) / 1000 };
  }
  const { provisionerId, workerType } = route;
  allow(req, ['GET', 'PUT']);
  if (route.kind === 'worker-type') return workerTypeRoute(req, state.declared, provisionerId, workerType);
  const { counts } = state;
  if (req.method === 'PUT') counts.set(key(provisionerId, workerType), parseCount(await readBody(req)));
  return { provisionerId, workerType, pendingTasks: counts.get(key(provisionerId, workerType)) ?? 0 };
}

async function workerTypeRoute(req: http.IncomingMessage, store: DeclarationStore, provisionerId: string, workerType: string): Promise<DeclaredWorkerType> {
  if (req.method === 'GET') {
    const known = store.byKey.get(key(provisionerId, workerType));
    if (!known) throw new HttpError(404, 'ResourceNotFound', `worker-type ${workerType} with provisioner ${provisionerId} not found`);
    return known;
  }
  if (store.failures > 0) {
    store.failures--;
    throw new HttpError(503, 'ServiceUnavailable', 'the Queue is unavailable (injected)');
  }
  const body = parseDeclaration(await readBody(req, MAX_DECLARATION_BYTES));
  await authorizeDeclaration(req, store.clients, provisionerId, workerType, Object.keys(body));
  return upsertWorkerType(store, provisionerId, workerType, body, new Date());
}

type Route = 'ping' | { kind: 'pending' | 'worker-type'; provisionerId: string; workerType: string };

/** Which route a request path names; throws 404 for none and 400 for invalid identifiers. */
function routeOf(rawUrl: string): Route {
  const pathname = new URL(rawUrl, 'http://localhost').pathname;
  const prefix = PREFIXES.find((p) => pathname.startsWith(`${p}/`));
  const parts = prefix ? pathname.slice(prefix.length + 1).split('/') : [];
  if (parts.length === 1 && parts[0] === 'ping') return 'ping';
  const pending = parts.length === 3 && parts[0] === 'pending';
  const declared = parts.length === 4 && parts[0] === 'provisioners' && parts[2] === 'worker-types';
  if (!pending && !declared) {
    throw new HttpError(404, 'ResourceNotFound', `no such route: ${pathname}`);
  }
  const [provisionerId, workerType] = (pending ? [parts[1], parts[2]] : [parts[1], parts[3]]).map((p) => decodeSegment(p!)) as [string, string];
  checkIdentifier('provisionerId', provisionerId, badRequest('InvalidRequestArguments'));
  checkIdentifier('workerType', workerType, badRequest('InvalidRequestArguments'));
  return { kind: pending ? 'pending' : 'worker-type', provisionerId, workerType };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'InvalidRequestArguments', 'malformed percent-encoding in the path');
  }
}

function allow(req: http.IncomingMessage, methods: string[]): void {
  if (!methods.includes(req.method ?? '')) {
    throw new HttpError(405, 'MethodNotAllowed', `${req.method} not allowed here; use ${methods.join(' or ')}`);
  }
}

async function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(400, 'InputValidationError', `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Accepts exactly `{"pendingTasks": <non-negative integer>}`, whatever the content type says. */
function parseCount(text: string): number {
  const fail = (why: string): never => {
    throw new HttpError(400, 'InputValidationError', `body must be {"pendingTasks": <non-negative integer>}: ${why}`);
  };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('not an object');
  const extra = Object.keys(body).filter((k) => k !== 'pendingTasks');
  if (extra.length) return fail(`unexpected field ${extra[0]}`);
  const n = (body as { pendingTasks?: unknown }).pendingTasks;
  return isCount(n) ? n : fail('pendingTasks missing or not a non-negative integer');
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function checkIdentifier(field: string, value: string, error: (message: string) => Error): void {
  if (!IDENTIFIER_REGEXP.test(value)) throw error(`${field} must match ^[a-zA-Z0-9-_]{1,38}$, got ${JSON.stringify(value)}`);
}

function badRequest(code: string): (message: string) => Error {
  return (message) => new HttpError(400, code, message);
}

function key(provisionerId: string, workerType: string): string {
  return `${provisionerId}/${workerType}`;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
