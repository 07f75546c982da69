// Hawk request authentication as TaskCluster clients perform it: a SHA-256 Hawk header
// (taskcluster-client 1.6.3 sends no payload hash; one that is sent is checked), whose `ext`
// (base64 JSON) may carry temporary credentials (`certificate`) and a narrowing of scopes
// (`authorizedScopes`).
//
// The Authenticator of local mode (contract in authenticator.ts): errors thrown by `lookup`
// or `readPayload` (storage failures, an oversized body) propagate. It checks MAC, timestamp
// and payload hash in process and records nothing: an accepted request's result carries its
// replay key, which the caller records (src/api/admission.ts) in the same statement as the
// rest of the request's admission.
import { timingSafeEqual } from 'node:crypto';
import * as hawk from 'hawk';
import { satisfiesScopes } from '../../domain/scopes';
import type { AuthResult, Authenticator, HawkRequest, ReplayKey } from './authenticator';
import { payloadHashMatches } from './payload-hash';
import {
  MAX_CERTIFICATE_LIFETIME_MS,
  certificateSignature,
  parseCertificate,
  temporaryAccessToken,
  type Certificate,
} from './temporary-credentials';

export interface ClientRecord {
  clientId: string;
  accessToken: string;
  scopes: string[];
  expires?: Date | null;
}
export type ClientLookup = (clientId: string) => Promise<ClientRecord | null>;
export type { AuthResult, HawkRequest };

/**
 * Allowed clock difference between a Hawk timestamp (or a certificate's start) and the
 * server clock, either way: 15 minutes, as TaskCluster's services allow. Workers on freshly
 * booted instances often run minutes off until their clock is synchronised.
 */
export const HAWK_SKEW_SEC = 15 * 60;

export interface HawkAuthenticatorOptions {
  lookup: ClientLookup;
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
  /** Allowed clock difference, either way, for Hawk timestamps and certificate start; default HAWK_SKEW_SEC. */
  timestampSkewSec?: number;
}

/** Thrown inside this module only; turned into `{ ok: false }` at the boundary. */
class AuthFailure extends Error {}

interface Principal {
  clientId: string;
  key: string;
  scopes: string[];
  certificateSeed?: string;
}

interface Ext {
  certificate?: unknown;
  authorizedScopes?: string[];
}

interface Ctx {
  opts: HawkAuthenticatorOptions;
  now: number;
  skewMs: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fail(reason: string): never {
  throw new AuthFailure(reason);
}

/** Constant-time string comparison; lengths are not secret (fixed-size digests). */
function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseHeader(authorization: string | undefined): hawk.HeaderAttributes {
  try {
    return hawk.utils.parseAuthorizationHeader(authorization);
  } catch (err) {
    return fail(`malformed authorization header: ${(err as Error).message}`);
  }
}

function parseExt(ext: string | undefined): Ext {
  if (ext === undefined || ext === '') return {};
  if (!BASE64.test(ext)) fail('ext is not base64');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(ext, 'base64').toString('utf8'));
  } catch {
    return fail('ext is not base64-encoded JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('ext is not an object');
  const { certificate, authorizedScopes } = value as Record<string, unknown>;
  if (authorizedScopes !== undefined) {
    const valid = Array.isArray(authorizedScopes) && authorizedScopes.every((s) => typeof s === 'string');
    if (!valid) fail('ext.authorizedScopes is not a list of strings');
  }
  return { certificate, authorizedScopes: authorizedScopes as string[] | undefined };
}

async function activeClient(ctx: Ctx, clientId: string, role: string): Promise<ClientRecord> {
  const client = await ctx.opts.lookup(clientId);
  if (!client) fail(`unknown ${role} ${clientId}`);
  if (client.expires && client.expires.getTime() <= ctx.now) fail(`${role} ${clientId} has expired`);
  return client;
}

/** Checks window and scopes of a signature-verified certificate against its issuer. */
function checkCertificate(ctx: Ctx, cert: Certificate, issuer: ClientRecord, clientId: string): void {
  if (cert.start - ctx.skewMs > ctx.now) fail('certificate is not yet valid');
  if (cert.expiry < ctx.now) fail('certificate has expired');
  if (cert.expiry - cert.start > MAX_CERTIFICATE_LIFETIME_MS) fail('certificate spans more than 31 days');
  // Named temporary credentials need the issuer's permission to use that name, as in
  // TaskCluster; otherwise any issuer could act under another client's id.
  if (cert.issuer !== undefined && !satisfiesScopes(issuer.scopes, [[`auth:create-client:${clientId}`]])) {
    fail(`issuer ${issuer.clientId} may not name temporary client ${clientId}`);
  }
  if (!satisfiesScopes(issuer.scopes, [cert.scopes])) {
    fail(`issuer ${issuer.clientId} lacks scopes granted by the certificate`);
  }
}

async function temporaryPrincipal(ctx: Ctx, id: string, raw: unknown): Promise<Principal> {
  const cert = parseCertificate(raw);
  if (typeof cert === 'string') fail(cert);
  if (cert.issuer === id) fail('certificate issuer equals the temporary client id');
  const issuer = await activeClient(ctx, cert.issuer ?? id, 'issuer');
  const expected = certificateSignature(issuer.accessToken, cert, id);
  if (!safeEqual(expected, cert.signature)) fail('certificate signature is invalid');
  checkCertificate(ctx, cert, issuer, id);
  return { clientId: id, key: temporaryAccessToken(issuer.accessToken, cert.seed), scopes: cert.scopes, certificateSeed: cert.seed };
}

async function resolvePrincipal(ctx: Ctx, id: string | undefined, ext: Ext): Promise<Principal> {
  if (!id) fail('missing client id');
  if (ext.certificate !== undefined) return temporaryPrincipal(ctx, id, ext.certificate);
  const client = await activeClient(ctx, id, 'client');
  return { clientId: client.clientId, key: client.accessToken, scopes: client.scopes };
}

/** MAC and timestamp check by the hawk package, on the server's (injectable) clock. */
async function verifyMac(ctx: Ctx, req: HawkRequest, authorization: string, key: string) {
  const request = { method: req.method, url: req.url, host: req.host, port: req.port, authorization };
  try {
    const { artifacts } = await hawk.server.authenticate(request, async () => ({ key, algorithm: 'sha256' as const }), {
      timestampSkewSec: ctx.skewMs / 1000,
      localtimeOffsetMsec: ctx.now - Date.now(),
    });
    return artifacts;
  } catch (err) {
    return fail(`hawk: ${(err as Error).message}`);
  }
}

/** Called after the MAC and timestamp are valid, so a swapped body is refused before its nonce can be recorded. */
async function checkPayload(req: HawkRequest, hash: string): Promise<void> {
  if (!(await payloadHashMatches(req, hash))) fail('payload hash does not match the body (or the body is not available)');
}

/** Only requests whose MAC and timestamp are valid get a key, so stale or forged ones never fill the nonce store. */
function replayKey(artifacts: hawk.HawkArtifacts): ReplayKey {
  return { key: JSON.stringify([artifacts.id, artifacts.ts, artifacts.nonce]), tsMs: Number(artifacts.ts) * 1000 };
}

function effectiveScopes(held: string[], authorized: string[] | undefined): string[] {
  if (authorized === undefined) return held;
  if (!satisfiesScopes(held, [authorized])) fail('authorizedScopes exceed the credentials\' scopes');
  return authorized;
}

async function authenticate(ctx: Ctx, req: HawkRequest): Promise<AuthResult> {
  const attributes = parseHeader(req.authorization);
  // hawk treats a non-numeric ts as never stale (NaN compares false); such a request
  // would stay valid, and replayable once its nonce is swept, forever.
  if (attributes.ts !== undefined && !/^[0-9]{1,13}$/.test(attributes.ts)) fail('timestamp is not a whole number of seconds');
  const ext = parseExt(attributes.ext);
  const principal = await resolvePrincipal(ctx, attributes.id, ext);
  const artifacts = await verifyMac(ctx, req, req.authorization ?? '', principal.key);
  if (artifacts.hash !== undefined) await checkPayload(req, artifacts.hash);
  const scopes = effectiveScopes(principal.scopes, ext.authorizedScopes);
  const { clientId, certificateSeed } = principal;
  const replay = replayKey(artifacts);
  return { ok: true, clientId, scopes: [...scopes], ...(certificateSeed === undefined ? {} : { certificateSeed }), replay };
}

export function createHawkAuthenticator(opts: HawkAuthenticatorOptions): Authenticator {
  const skewSec = opts.timestampSkewSec ?? HAWK_SKEW_SEC;
  if (!(skewSec > 0)) throw new RangeError('timestampSkewSec must be positive');
  const clock = opts.now ?? Date.now;
  return async (req) => {
    const ctx: Ctx = { opts, now: clock(), skewMs: skewSec * 1000 };
    try {
      return await authenticate(ctx, req);
    } catch (err) {
      if (err instanceof AuthFailure) return { ok: false, reason: err.message };
      throw err;
    }
  };
}
