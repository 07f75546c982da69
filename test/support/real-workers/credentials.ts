// The `getSecret` answer as the workers consume it. Contract: `checkSecretResponse` returns the
// temporary credentials or throws an Error naming what a real worker (or the TaskCluster service
// it then calls) would reject: the Go clients decode the answer into typed structs, and every
// service checks the certificate the standard way (version 1, a seed of two slugids, a base64
// HMAC-SHA256 signature, a validity window of at most 31 days that contains "now").
import { GoDecodeError, decodeStruct, type GoStruct } from './go-json';
import type { Certificate } from '../../../src/api/auth/temporary-credentials';

export interface TemporaryCredentials { clientId: string; accessToken: string; certificate: string }

/** The certificate's fields, as TaskCluster defines them (the same shape this API signs). */
export type { Certificate };

export interface CheckedCredentials { credentials: TemporaryCredentials; certificate: Certificate; data: unknown; scopes: string[] }

/** Clock difference TaskCluster services allow for a certificate's start. */
const START_SKEW_MS = 15 * 60 * 1000;
const MAX_LIFETIME_MS = 31 * 24 * 3600 * 1000;
const SEED = /^[A-Za-z0-9_-]{44}$/;
/** base64 of a 32-byte HMAC-SHA256. */
const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/** taskcluster-client-go's GetSecretResponse and its Credentials. */
const GET_SECRET_RESPONSE: GoStruct = { credentials: 'struct', data: 'raw', scopes: 'array' };
const CREDENTIALS: GoStruct = { accessToken: 'string', certificate: 'string', clientId: 'string' };
/** taskcluster-client-go's Certificate, which it decodes before signing any request. */
const CERTIFICATE: GoStruct = { version: 'int', scopes: 'array', start: 'int', expiry: 'int', seed: 'string', signature: 'string', issuer: 'string' };

function need(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new Error(reason);
}

/** Shape and validity window of a certificate (its signature needs the issuer's secret: the server checks it). */
export function checkCertificate(text: string, now: number): Certificate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('credentials.certificate is not JSON');
  }
  const c = decodeStruct(parsed, CERTIFICATE, 'tcclient.Certificate');
  need(c.version === 1, `certificate version is ${JSON.stringify(c.version)}, not 1`);
  need(Array.isArray(c.scopes) && c.scopes.every((s) => typeof s === 'string'), 'certificate scopes are not a list of strings');
  need(typeof c.start === 'number' && typeof c.expiry === 'number', 'certificate start/expiry are missing');
  need(typeof c.seed === 'string' && SEED.test(c.seed), 'certificate seed is not two slugids (44 base64url characters)');
  need(typeof c.signature === 'string' && SIGNATURE.test(c.signature), 'certificate signature is not a base64 HMAC-SHA256');
  const start = c.start as number;
  const expiry = c.expiry as number;
  need(expiry > start && expiry - start <= MAX_LIFETIME_MS, 'certificate validity is empty or longer than 31 days');
  need(start - START_SKEW_MS <= now, 'certificate is not valid yet');
  need(expiry > now, 'certificate has expired');
  const cert: Certificate = { version: 1, scopes: c.scopes as string[], start, expiry, seed: c.seed as string, signature: c.signature as string };
  if (typeof c.issuer === 'string' && c.issuer !== '') cert.issuer = c.issuer;
  return cert;
}

/**
 * Checks a parsed `getSecret` body. Throws when the credentials are not TaskCluster temporary
 * credentials `{clientId, accessToken, certificate}` with a valid certificate.
 */
export function checkSecretResponse(body: unknown, now: number): CheckedCredentials {
  let top: Record<string, unknown>;
  let creds: Record<string, unknown>;
  try {
    top = decodeStruct(body, GET_SECRET_RESPONSE, 'tcawsprovisioner.GetSecretResponse');
    creds = decodeStruct(top.credentials ?? null, CREDENTIALS, 'tcawsprovisioner.Credentials');
  } catch (err) {
    if (err instanceof GoDecodeError) throw new Error(`getSecret answer does not decode: ${err.message}`);
    throw err;
  }
  const { clientId, accessToken, certificate } = creds as Partial<TemporaryCredentials>;
  need(clientId, 'getSecret answer has no credentials.clientId');
  need(accessToken, 'getSecret answer has no credentials.accessToken');
  need(certificate, 'getSecret answer has no credentials.certificate: permanent credentials are not what a worker gets');
  const scopes = (top.scopes ?? []) as unknown[];
  need(scopes.every((s) => typeof s === 'string'), 'getSecret answer scopes are not strings');
  return { credentials: { clientId, accessToken, certificate }, certificate: checkCertificate(certificate, now), data: top.data, scopes: scopes as string[] };
}

/** Parses a response text as JSON, or throws naming the call. */
export function jsonBody(text: string, call: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${call} answered with a body that is not JSON`);
  }
}
