// The Authenticator of `AUTH_MODE=taskcluster` (contract in authenticator.ts): every
// signature is checked by TaskCluster's Auth service (`auth.authenticateHawk`, which needs
// no credentials of ours), as taskcluster-lib-api's remoteAuthentication does it. The Auth
// service knows the clients, expands their roles, checks temporary credentials' certificates,
// applies `authorizedScopes` and guards against replays; this side checks the payload hash
// against the body (the service only reports the header's `hash`) and the scopes (router.ts).
// Write budgets stay per client id, and per certificate for temporary credentials.
//
// Never an accept without a verdict: a refused connection, a timeout, a 5xx or an answer
// outside the published schema throws AuthServiceUnavailable (a 503), never `ok: true`.
import { Type } from '@sinclair/typebox';
import * as hawk from 'hawk';
import { schemaProblems } from '../validation';
import type { AuthResult, Authenticator, HawkRequest } from './authenticator';
import { payloadHashMatches } from './payload-hash';

export interface DelegatedAuthenticatorOptions {
  /** `<rootUrl>/api/auth/v1/authenticate-hawk`. */
  url: string;
  /** Longest wait for the whole answer, in milliseconds (AUTH_TIMEOUT). */
  timeoutMs: number;
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
}

/** The Auth service gave no verdict. The message names why (never a credential) and is for logs only. */
export class AuthServiceUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthServiceUnavailable';
  }
}

// The answer as auth/v1/authenticate-hawk-response.json publishes it. `scheme` is a plain
// string because the schema says more values may come; a `hash` is only trusted with `hawk`.
const SCOPES = Type.Array(Type.String({ pattern: '^[\\x20-\\x7e]*$' }), { uniqueItems: true });
const AuthenticateHawkResponse = Type.Union([
  Type.Object({
    status: Type.Literal('auth-success'), scopes: SCOPES, scheme: Type.String(), hash: Type.Optional(Type.Unknown()),
    clientId: Type.String({ pattern: '^[A-Za-z0-9!@/:.+|_-]+$' }), expires: Type.String({ format: 'date-time' }),
  }, { additionalProperties: false }),
  Type.Object({ status: Type.Literal('auth-failed'), message: Type.String() }, { additionalProperties: false }),
  Type.Object({
    status: Type.Literal('no-auth'), scheme: Type.String(), scopes: SCOPES, expires: Type.String({ format: 'date-time' }),
  }, { additionalProperties: false }),
]);

interface Success { status: 'auth-success'; scopes: string[]; scheme: string; hash?: unknown; clientId: string; expires: string }
type Answer = Success | { status: 'auth-failed'; message: string } | { status: 'no-auth' };

/** The request as auth/v1/authenticate-hawk-request.json has it: lowercase method, path and query as signed. */
function requestBody(req: HawkRequest): Record<string, unknown> {
  return {
    method: req.method.toLowerCase(), resource: req.url, host: req.host, port: req.port,
    ...(req.authorization === undefined ? {} : { authorization: req.authorization }),
    ...(req.sourceIp === undefined ? {} : { sourceIp: req.sourceIp }),
  };
}

function whyUnreachable(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return `unreachable (${e.cause?.code ?? e.name ?? 'network error'})`;
}

/** Posts the request; resolves to the HTTP status and parsed body, or throws AuthServiceUnavailable. */
async function post(opts: DelegatedAuthenticatorOptions, body: unknown): Promise<{ status: number; answer: unknown }> {
  try {
    const res = await fetch(opts.url, {
      method: 'POST', body: JSON.stringify(body), redirect: 'error',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    let answer: unknown;
    try { answer = JSON.parse(text); } catch { answer = undefined; }
    return { status: res.status, answer };
  } catch (err) {
    throw new AuthServiceUnavailable(`auth service ${whyUnreachable(err, opts.timeoutMs)}`);
  }
}

async function verdict(opts: DelegatedAuthenticatorOptions, req: HawkRequest): Promise<Answer | { refused: string }> {
  const { status, answer } = await post(opts, requestBody(req));
  // A 4xx is the Auth service refusing what the client sent (a Host header that is no
  // hostname, say): the client's request is bad, not the service.
  if (status >= 400 && status < 500) {
    const code = (answer as { code?: unknown } | undefined)?.code;
    return { refused: `auth service answered ${status}${typeof code === 'string' ? ` ${code}` : ''}` };
  }
  if (status !== 200) throw new AuthServiceUnavailable(`auth service answered ${status}`);
  const problems = schemaProblems(AuthenticateHawkResponse, answer, 'response');
  if (problems.length > 0) throw new AuthServiceUnavailable(`auth service answered outside its schema: ${problems.join('; ')}`);
  return answer as Answer;
}

/**
 * The seed of the certificate in the header's `ext`, read once the Auth service accepted the
 * header (its MAC covers `ext`, the certificate's signature covers the seed), so temporary
 * credentials keep a write budget of their own as in local mode (rateKey in rate-limit.ts).
 */
function certificateSeedOf(authorization: string): string | undefined {
  try {
    const { ext } = hawk.utils.parseAuthorizationHeader(authorization);
    if (!ext) return undefined;
    const { certificate } = JSON.parse(Buffer.from(ext, 'base64').toString('utf8')) as { certificate?: unknown };
    const cert = (typeof certificate === 'string' ? JSON.parse(certificate) : certificate) as { seed?: unknown } | null | undefined;
    return typeof cert?.seed === 'string' ? cert.seed : undefined;
  } catch {
    return undefined;
  }
}

async function accepted(req: HawkRequest, answer: Success, now: number): Promise<AuthResult> {
  if (Date.parse(answer.expires) <= now) return { ok: false, reason: `credentials of ${answer.clientId} expired at ${answer.expires}` };
  if (answer.hash !== undefined) {
    if (answer.scheme !== 'hawk' || typeof answer.hash !== 'string') return { ok: false, reason: `payload hash of scheme ${answer.scheme} cannot be checked` };
    if (!(await payloadHashMatches(req, answer.hash))) return { ok: false, reason: 'payload hash does not match the body' };
  }
  const certificateSeed = certificateSeedOf(req.authorization ?? '');
  return { ok: true, clientId: answer.clientId, scopes: [...answer.scopes], ...(certificateSeed === undefined ? {} : { certificateSeed }) };
}

export function createDelegatedAuthenticator(opts: DelegatedAuthenticatorOptions): Authenticator {
  if (!(opts.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive');
  const clock = opts.now ?? Date.now;
  return async (req) => {
    if (!req.authorization) return { ok: false, reason: 'no credentials' };
    // As taskcluster-lib-api: one scheme per request, never a bewit next to a header.
    if (/[?&]bewit=/.test(req.url)) return { ok: false, reason: 'both a bewit and an Authorization header' };
    const answer = await verdict(opts, req);
    if ('refused' in answer) return { ok: false, reason: answer.refused };
    if (answer.status === 'auth-failed') return { ok: false, reason: `auth service: ${answer.message}` };
    if (answer.status === 'no-auth') return { ok: false, reason: 'auth service saw no credentials' };
    return accepted(req, answer, clock());
  };
}
