// declareWorkerType and getWorkerType of the local Queue server, as strict as the real Queue:
//   PUT /provisioners/<provisionerId>/worker-types/<workerType>
//       body: update-workertype-request.json (only `stability`, `description`, `expires`; all
//       optional), Hawk-signed by a known client holding
//       `queue:declare-worker-type:<provisionerId>/<workerType>#<property>` for each property sent
//   GET /provisioners/<provisionerId>/worker-types/<workerType>      (no authentication)
// Both answer workertype-response.json. Declarations live in memory, for tests to read.
import type http from 'node:http';
import * as hawk from 'hawk';
import { satisfiesScopes } from '../domain/scopes';
import { WORKER_TYPE_STABILITIES, type WorkerTypeStability } from '../domain/queue-declaration';

/** A client the local Queue knows, as the Auth service would (its scopes expanded). */
export interface LocalQueueClient { clientId: string; accessToken: string; scopes: string[] }

/** A worker type as the Queue answers it (workertype-response.json). */
export interface DeclaredWorkerType {
  provisionerId: string;
  workerType: string;
  taskQueueId: string;
  stability: WorkerTypeStability;
  description: string;
  expires: string;
  lastDateActive: string;
  actions: never[];
}

export class DeclarationError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const PROPERTIES = ['stability', 'description', 'expires'] as const;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** What the Queue gives a worker type it has not been told about: it is forgotten a day later. */
const DEFAULT_LIFETIME_MS = 24 * 3_600_000;

export interface DeclarationStore {
  readonly byKey: Map<string, DeclaredWorkerType>;
  readonly clients: LocalQueueClient[];
  /** The next `count` declarations are answered with a 503, before any check. */
  failures: number;
}

/** Validates against update-workertype-request.json; throws a 400 naming the field. */
export function parseDeclaration(text: string): Partial<Pick<DeclaredWorkerType, (typeof PROPERTIES)[number]>> {
  const fail = (why: string): never => { throw new DeclarationError(400, 'InputValidationError', `invalid worker-type request: ${why}`); };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('body is not an object');
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).find((k) => !(PROPERTIES as readonly string[]).includes(k));
  if (extra !== undefined) fail(`additional property ${extra} is not allowed`);
  if ('stability' in b && !WORKER_TYPE_STABILITIES.includes(b.stability as WorkerTypeStability)) fail(`stability must be one of ${WORKER_TYPE_STABILITIES.join(', ')}`);
  if ('description' in b && typeof b.description !== 'string') fail('description must be a string');
  if ('expires' in b && (typeof b.expires !== 'string' || !DATE_TIME.test(b.expires) || Number.isNaN(Date.parse(b.expires)))) fail('expires must be a date-time');
  return b as ReturnType<typeof parseDeclaration>;
}

/** Verifies the Hawk signature and the scopes for the properties sent; throws 401 or 403. */
export async function authorizeDeclaration(
  req: http.IncomingMessage, clients: LocalQueueClient[], provisionerId: string, workerType: string, properties: string[],
): Promise<string> {
  const needed = properties.map((p) => `queue:declare-worker-type:${provisionerId}/${workerType}#${p}`);
  const authorization = req.headers.authorization;
  if (!authorization) throw new DeclarationError(403, 'InsufficientScopes', `anonymous requests lack the scopes ${needed.join(', ')}`);
  const [host, port] = (req.headers.host ?? '').split(':');
  let client: LocalQueueClient;
  try {
    const lookup = async (id: string) => {
      const known = clients.find((c) => c.clientId === id);
      return known ? { ...known, key: known.accessToken, algorithm: 'sha256' as const } : null;
    };
    ({ credentials: client } = await hawk.server.authenticate(
      { method: req.method ?? '', url: req.url ?? '', host: host ?? '', port: Number(port || 80), authorization }, lookup,
    ));
  } catch {
    throw new DeclarationError(401, 'AuthenticationFailed', 'the request is not signed by a known client');
  }
  if (!satisfiesScopes(client.scopes, [needed])) {
    throw new DeclarationError(403, 'InsufficientScopes', `client ${client.clientId} lacks the scopes ${needed.join(', ')}`);
  }
  return client.clientId;
}

/** Merges a declaration into what the Queue knows, as its upsert does: properties not sent keep their values. */
export function upsertWorkerType(
  store: DeclarationStore, provisionerId: string, workerType: string, body: ReturnType<typeof parseDeclaration>, now: Date,
): DeclaredWorkerType {
  const key = `${provisionerId}/${workerType}`;
  const known = store.byKey.get(key) ?? {
    provisionerId, workerType, taskQueueId: key, stability: 'experimental', description: '',
    expires: new Date(now.getTime() + DEFAULT_LIFETIME_MS).toISOString(), lastDateActive: now.toISOString(), actions: [],
  };
  const next: DeclaredWorkerType = {
    ...known, ...body, ...(body.expires ? { expires: new Date(body.expires).toISOString() } : {}),
  };
  store.byKey.set(key, next);
  return next;
}
