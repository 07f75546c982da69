// Client of the TaskCluster Queue ("Queue" is TaskCluster's task queue service, not a Temporal
// task queue). The provisioner asks for the number of pending tasks of a worker type, and
// declares its worker types (description, owner) so the Queue and its UI list them.
//
// Contract: a count is returned only when the Queue answered it plainly. Anything else throws
// QueueUnavailableError and never yields a guessed number, because acting on a wrong zero would
// terminate capacity that is needed. Its `kind` (src/queue/errors.ts) says whether asking
// again can help.
import * as hawk from 'hawk';
import { IDENTIFIER_REGEXP } from '../domain/identifiers';
import type { WorkerTypeDeclaration } from '../domain/queue-declaration';
import { QueueUnavailableError } from './errors';

export { QueueUnavailableError } from './errors';

export interface QueueClientOptions {
  /** A TaskCluster root URL; the Queue is at `<rootUrl>/api/queue/v1`. */
  rootUrl?: string;
  /** The Queue's base URL directly, old style, e.g. `https://queue.taskcluster.net/v1`. */
  baseUrl?: string;
  /** Limit for one request, connection and body included, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** TaskCluster credentials that sign calls which need them (declareWorkerType); never logged. */
  credentials?: { clientId: string; accessToken: string };
}

export interface QueueClient {
  readonly baseUrl: string;
  /**
   * Tasks waiting for a worker of this type. Throws QueueUnavailableError when the Queue cannot
   * be reached or answers anything but a well-formed count for exactly this worker type;
   * throws TypeError (a caller's bug) for identifiers outside `^[a-zA-Z0-9-_]{1,38}$`.
   */
  pendingTasks(provisionerId: string, workerType: string): Promise<number>;
  /**
   * `PUT /provisioners/<provisionerId>/worker-types/<workerType>`, signed with the credentials
   * (scopes `queue:declare-worker-type:<provisionerId>/<workerType>#<property>` for each
   * property sent). Idempotent: the Queue keeps the last declaration. Throws
   * QueueUnavailableError for any answer but a 200 (a 401/403 is of kind `permission`), and
   * when the client has no credentials.
   */
  declareWorkerType(provisionerId: string, workerType: string, declaration: WorkerTypeDeclaration): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Far above any real answer (under 200 bytes); a larger body is not a pendingTasks answer. */
const MAX_BODY_CHARS = 64 * 1024;
/** The root URL of the retired taskcluster.net deployment, whose services had their own hosts. */
const LEGACY_ROOT_URL = 'https://taskcluster.net';

/** The Queue's base URL (no trailing slash) from exactly one of rootUrl or baseUrl. */
export function queueBaseUrl(opts: Pick<QueueClientOptions, 'rootUrl' | 'baseUrl'>): string {
  if ((opts.rootUrl === undefined) === (opts.baseUrl === undefined)) {
    throw new Error('give the Queue client exactly one of rootUrl and baseUrl');
  }
  const raw = (opts.baseUrl ?? opts.rootUrl) as string;
  const parsed = new URL(raw); // throws on a malformed URL
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`not an http(s) URL: ${raw}`);
  const url = raw.replace(/\/+$/, '');
  if (opts.baseUrl !== undefined) return url;
  return url === LEGACY_ROOT_URL ? 'https://queue.taskcluster.net/v1' : `${url}/api/queue/v1`;
}

export function createQueueClient(opts: QueueClientOptions): QueueClient {
  const baseUrl = queueBaseUrl(opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    baseUrl,
    async pendingTasks(provisionerId, workerType) {
      checkIdentifiers(provisionerId, workerType);
      const body = await requestJson(`${baseUrl}/pending/${provisionerId}/${workerType}`, timeoutMs);
      return pendingCount(body, provisionerId, workerType);
    },
    async declareWorkerType(provisionerId, workerType, declaration) {
      checkIdentifiers(provisionerId, workerType);
      if (!opts.credentials) throw new QueueUnavailableError('no TaskCluster credentials to sign declareWorkerType', { status: 401 });
      const url = `${baseUrl}/provisioners/${provisionerId}/worker-types/${workerType}`;
      const authorization = signature(url, 'PUT', opts.credentials);
      const answer = await requestJson(url, timeoutMs, { method: 'PUT', body: JSON.stringify(declaration), authorization });
      const { provisionerId: p, workerType: w } = (answer ?? {}) as Record<string, unknown>;
      if (p !== provisionerId || w !== workerType) throw new QueueUnavailableError('answer is for another worker type', { fault: 'wrong-shape' });
    },
  };
}

function checkIdentifiers(provisionerId: string, workerType: string): void {
  for (const [field, value] of [['provisionerId', provisionerId], ['workerType', workerType]]) {
    if (!IDENTIFIER_REGEXP.test(value as string)) throw new TypeError(`invalid ${field}: ${JSON.stringify(value)}`);
  }
}

/** A Hawk header as taskcluster-client signs requests: SHA-256, no payload hash. */
function signature(url: string, method: string, credentials: { clientId: string; accessToken: string }): string {
  const { header } = hawk.client.header(url, method, {
    credentials: { id: credentials.clientId, key: credentials.accessToken, algorithm: 'sha256' },
  });
  return header;
}

interface RequestInit { method: 'PUT'; body: string; authorization: string }

/** Sends a request (GET unless `init` says otherwise) and parses its JSON body; every failure becomes a QueueUnavailableError. */
async function requestJson(url: string, timeoutMs: number, init?: RequestInit): Promise<unknown> {
  let status: number | undefined;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init) Object.assign(headers, { 'content-type': 'application/json', authorization: init.authorization });
    const res = await fetch(url, { method: init?.method ?? 'GET', headers, body: init?.body, signal: AbortSignal.timeout(timeoutMs) });
    status = res.status;
    const text = await res.text();
    if (!res.ok) throw new QueueUnavailableError(`HTTP ${res.status}${errorDetail(text)}`, { status: res.status });
    if (text.length > MAX_BODY_CHARS) throw new QueueUnavailableError('answer too large', { fault: 'too-large', status });
    try {
      return JSON.parse(text);
    } catch {
      throw new QueueUnavailableError('answer is not JSON', { fault: 'not-json', status });
    }
  } catch (err) {
    if (err instanceof QueueUnavailableError) throw err;
    throw transportFailure(err, timeoutMs, status);
  }
}

/** The `code` of a TaskCluster error body, when there is one. */
function errorDetail(text: string): string {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' ? ` ${code.slice(0, 60)}` : '';
  } catch {
    return '';
  }
}

function transportFailure(err: unknown, timeoutMs: number, status: number | undefined): QueueUnavailableError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new QueueUnavailableError(`no answer within ${timeoutMs} ms`, { fault: 'timeout', status });
  }
  const detail = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
  return new QueueUnavailableError(`request failed: ${detail}`, { fault: 'connection', status });
}

function pendingCount(body: unknown, provisionerId: string, workerType: string): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new QueueUnavailableError('answer is not a JSON object', { fault: 'wrong-shape' });
  }
  const answer = body as Record<string, unknown>;
  if (answer.provisionerId !== provisionerId || answer.workerType !== workerType) {
    throw new QueueUnavailableError('answer is for another worker type', { fault: 'wrong-shape' });
  }
  const n = answer.pendingTasks;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new QueueUnavailableError('pendingTasks is not a non-negative integer', { fault: 'wrong-shape' });
  }
  return n;
}
