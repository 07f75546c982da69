// The verdict of the authenticateHawk stand-in, reached on its own: its own client and role
// tables, the hawk package server-side with its own clock and 15-minute skew, and its own
// reading of certificates and `authorizedScopes`, following TaskCluster's Auth service
// (services/auth/src/signaturevalidator.js), not this project's code. Where the two differ
// the Auth service is followed: the certificate text is its lines joined by "\n", the
// certificate window allows 5 minutes of skew, `assume:anonymous` is granted to everyone.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as hawk from 'hawk';

export interface StandinClient {
  clientId: string;
  accessToken: string;
  /** Unexpanded: `assume:<role>` scopes are expanded by the stand-in's roles. */
  scopes: string[];
  expires?: Date;
}

/** The request, already checked against authenticate-hawk-request.json. */
export interface AuthenticateHawkRequest {
  method: string; resource: string; host: string; port: number; authorization?: string; sourceIp?: string;
}

export type AuthenticateHawkAnswer =
  | { status: 'auth-success'; scheme: 'hawk'; clientId: string; scopes: string[]; expires: string; hash?: string }
  | { status: 'auth-failed'; message: string }
  | { status: 'no-auth'; scheme: 'none'; scopes: string[]; expires: string };

export interface Tables {
  clients: Map<string, StandinClient>;
  roles: Map<string, string[]>;
  /** `id ts nonce` of every accepted header: the Auth service refuses replays. */
  nonces: Set<string>;
}

const SKEW_SEC = 15 * 60;
const CERT_SKEW_MS = 5 * 60 * 1000;
const MAX_CERT_MS = 31 * 24 * 3600 * 1000;
const FAR_FUTURE = new Date('3000-01-01T00:00:00.000Z');

const grants = (pattern: string, scope: string) => pattern === scope || (pattern.endsWith('*') && scope.startsWith(pattern.slice(0, -1)));
const satisfiesAll = (held: string[], wanted: string[]) => wanted.every((s) => held.some((p) => grants(p, s)));
const validScope = (s: unknown) => typeof s === 'string' && /^[\x20-\x7e]*$/.test(s);

/** Adds `assume:anonymous` and the scopes of every role the set may assume, to a fixed point. */
function expand(tables: Tables, scopes: string[]): string[] {
  const set = new Set([...scopes, 'assume:anonymous']);
  for (let grew = true; grew;) {
    grew = false;
    for (const [roleId, roleScopes] of tables.roles) {
      if (!satisfiesAll([...set], [`assume:${roleId}`])) continue;
      for (const s of roleScopes) if (!set.has(s)) { set.add(s); grew = true; }
    }
  }
  return [...set];
}

interface Loaded { key: string; algorithm: 'sha256'; clientId: string; scopes: string[]; expires: Date }

function hmac(key: string, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** Checks `cert` (temporary credentials named `name`, issued by `issuer`); returns the temporary key. */
function checkCertificate(cert: Record<string, unknown>, name: string, issuer: StandinClient, issuerScopes: string[]): string {
  if (cert.version !== 1) throw new Error('ext.certificate.version must be 1');
  if (typeof cert.seed !== 'string' || cert.seed.length !== 44) throw new Error('ext.certificate.seed must be 44 characters');
  if (typeof cert.start !== 'number' || typeof cert.expiry !== 'number') throw new Error('ext.certificate.start/expiry must be numbers');
  if (!Array.isArray(cert.scopes) || !cert.scopes.every(validScope)) throw new Error('ext.certificate.scopes must be valid scopes');
  const now = Date.now();
  if (cert.start > now + CERT_SKEW_MS) throw new Error('ext.certificate.start > now');
  if (cert.expiry < now - CERT_SKEW_MS) throw new Error('ext.certificate.expiry < now');
  if (cert.expiry - cert.start > MAX_CERT_MS) throw new Error('ext.certificate cannot last longer than 31 days!');
  if (name !== issuer.clientId && !satisfiesAll(issuerScopes, [`auth:create-client:${name}`])) {
    throw new Error(`ext.certificate issuer ${issuer.clientId} lacks auth:create-client:${name}`);
  }
  if (!satisfiesAll(issuerScopes, cert.scopes as string[])) throw new Error('ext.certificate issuer does not satisfy the certificate scopes');
  const lines = ['version:1', ...(cert.issuer ? [`clientId:${name}`, `issuer:${String(cert.issuer)}`] : []),
    `seed:${cert.seed}`, `start:${cert.start}`, `expiry:${cert.expiry}`, 'scopes:', ...(cert.scopes as string[])];
  const expected = Buffer.from(hmac(issuer.accessToken, lines.join('\n')).toString('base64'));
  const given = Buffer.from(typeof cert.signature === 'string' ? cert.signature : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('ext.certificate.signature is not valid');
  return hmac(issuer.accessToken, cert.seed).toString('base64url');
}

function parseExt(ext: string | undefined): Record<string, unknown> {
  if (!ext) return {};
  try {
    const value = JSON.parse(Buffer.from(ext, 'base64').toString('utf8'));
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch { /* reported below */ }
  throw new Error('Failed to parse ext');
}

function load(tables: Tables, name: string, authorization: string): Loaded {
  const ext = parseExt(hawk.utils.parseAuthorizationHeader(authorization).ext);
  const cert = ext.certificate as Record<string, unknown> | undefined;
  if (cert !== undefined && (typeof cert !== 'object' || cert === null)) throw new Error('ext.certificate must be a JSON object');
  const issuerId = typeof cert?.issuer === 'string' ? cert.issuer : name;
  if (cert?.issuer !== undefined && issuerId === name) throw new Error('ext.certificate.issuer must differ from the supplied clientId');
  const issuer = tables.clients.get(issuerId);
  if (!issuer) throw new Error(`Client with clientId '${issuerId}' not found`);
  let expires = issuer.expires ?? FAR_FUTURE;
  if (expires.getTime() < Date.now()) throw new Error(`Client with clientId '${issuerId}' has expired`);
  let scopes = expand(tables, issuer.scopes);
  let key = issuer.accessToken;
  if (cert) {
    key = checkCertificate(cert, name, issuer, scopes);
    scopes = cert.scopes as string[];
    if (new Date(cert.expiry as number) < expires) expires = new Date(cert.expiry as number);
  }
  if (ext.authorizedScopes !== undefined) {
    const wanted = ext.authorizedScopes;
    if (!Array.isArray(wanted) || !wanted.every(validScope)) throw new Error('ext.authorizedScopes must be an array of valid scopes');
    if (!satisfiesAll(expand(tables, scopes), wanted)) throw new Error('Supplied credentials do not satisfy authorizedScopes');
    scopes = wanted as string[];
  }
  return { key, algorithm: 'sha256', clientId: name, scopes: expand(tables, scopes), expires };
}

/** The Auth service's verdict on one request. */
export async function verifyHawk(tables: Tables, req: AuthenticateHawkRequest): Promise<AuthenticateHawkAnswer> {
  if (!req.authorization) {
    // Bewits (GET-only) never reach this stand-in: no route of the API under test takes them.
    if (/[?&]bewit=/.test(req.resource)) return { status: 'auth-failed', message: 'the stand-in does not verify bewits' };
    return { status: 'no-auth', scheme: 'none', scopes: expand(tables, []), expires: new Date(Date.now() + 15 * 60_000).toISOString() };
  }
  const authorization = req.authorization;
  try {
    const { credentials, artifacts } = await hawk.server.authenticate(
      { method: req.method.toUpperCase(), url: req.resource, host: req.host, port: req.port, authorization },
      async (id: string) => load(tables, id, authorization),
      { timestampSkewSec: SKEW_SEC },
    );
    const nonce = `${artifacts.id} ${artifacts.ts} ${artifacts.nonce}`;
    if (tables.nonces.has(nonce)) return { status: 'auth-failed', message: 'Unauthorized: Invalid nonce' };
    tables.nonces.add(nonce);
    return {
      status: 'auth-success', scheme: 'hawk', clientId: credentials.clientId, scopes: credentials.scopes,
      expires: credentials.expires.toISOString(), ...(artifacts.hash ? { hash: artifacts.hash } : {}),
    };
  } catch (err) {
    const e = err as { isBoom?: boolean; isServer?: boolean; message: string; output?: { payload: { error: string; message?: string } } };
    const message = e.isBoom && !e.isServer && e.output
      ? `${e.output.payload.error}${e.output.payload.message ? `: ${e.output.payload.message}` : ''}` : e.message;
    return { status: 'auth-failed', message };
  }
}
