// TaskCluster temporary credentials (certificate version 1): issuing them, and the pieces
// of the format the authenticator needs to check them. Byte compatibility with
// taskcluster-client 1.6.3 matters: its `createTemporaryCredentials` issues certificates
// that this server must accept, and workers use the certificates issued here with it.
import { createHmac } from 'node:crypto';
import slugid from 'slugid';

/** Longest validity TaskCluster allows between `start` and `expiry`. */
export const MAX_CERTIFICATE_LIFETIME_MS = 31 * 24 * 60 * 60 * 1000;

/** Two slugids of 22 base64url characters each. */
const SEED_PATTERN = /^[A-Za-z0-9_-]{44}$/;

export interface Certificate {
  version: 1;
  scopes: string[];
  /** Validity window, milliseconds since the epoch. */
  start: number;
  expiry: number;
  seed: string;
  /** base64 HMAC-SHA256 over the certificate, keyed by the issuer's permanent token. */
  signature: string;
  /** Present only for named temporary credentials: the client that signed them. */
  issuer?: string;
}

export interface TemporaryCredentials {
  clientId: string;
  accessToken: string;
  /** The certificate as a JSON string, as the original API returned it. */
  certificate: string;
}

/**
 * The text that is signed, line by line. The scope lines are joined without a trailing
 * newline while every earlier line ends with one; with no scopes the text therefore ends
 * in "scopes:\n". This matches the clients and servers in use, not a plain join.
 */
function signedText(cert: Omit<Certificate, 'signature'>, clientId?: string): string {
  const head = ['version:1'];
  if (cert.issuer !== undefined) {
    head.push(`clientId:${clientId ?? ''}`, `issuer:${cert.issuer}`);
  }
  head.push(`seed:${cert.seed}`, `start:${cert.start}`, `expiry:${cert.expiry}`, 'scopes:');
  return head.map((line) => `${line}\n`).join('') + cert.scopes.join('\n');
}

/**
 * Signature of a certificate. `clientId` is the temporary client's name and is used only
 * for named credentials (when `cert.issuer` is set).
 */
export function certificateSignature(
  issuerAccessToken: string,
  cert: Omit<Certificate, 'signature'>,
  clientId?: string,
): string {
  return createHmac('sha256', issuerAccessToken).update(signedText(cert, clientId)).digest('base64');
}

/** The temporary access token: base64url HMAC-SHA256 of the seed, without padding. */
export function temporaryAccessToken(issuerAccessToken: string, seed: string): string {
  return createHmac('sha256', issuerAccessToken).update(seed).digest('base64url');
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * Parses and shape-checks a certificate from `ext` (an object, or its JSON string).
 * Returns a reason string instead of throwing, so bad client input never raises.
 * Signature, validity window and scopes are not checked here.
 */
export function parseCertificate(raw: unknown): Certificate | string {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return 'certificate is not valid JSON';
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'certificate is not an object';
  }
  const c = value as Record<string, unknown>;
  if (c.version !== 1) return 'certificate version is not 1';
  if (!isStringArray(c.scopes)) return 'certificate scopes are not a list of strings';
  if (!Number.isSafeInteger(c.start) || !Number.isSafeInteger(c.expiry)) {
    return 'certificate start/expiry are not integers';
  }
  if (typeof c.seed !== 'string' || !SEED_PATTERN.test(c.seed)) return 'certificate seed is malformed';
  if (typeof c.signature !== 'string') return 'certificate signature is not a string';
  if (c.issuer !== undefined && (typeof c.issuer !== 'string' || c.issuer === '')) {
    return 'certificate issuer is malformed';
  }
  const cert: Certificate = {
    version: 1,
    scopes: c.scopes,
    start: c.start as number,
    expiry: c.expiry as number,
    seed: c.seed,
    signature: c.signature,
  };
  if (c.issuer !== undefined) cert.issuer = c.issuer as string;
  return cert;
}

/**
 * Issues unnamed temporary credentials signed by `clientId`/`accessToken`; the result's
 * clientId is the issuer's. Throws RangeError/TypeError for a window longer than 31 days,
 * expiry not after start, non-string scopes or a malformed seed: these are programming
 * errors of the caller, not client input. The issuer's right to the scopes is checked
 * when the credentials are used, not here.
 */
export function createTemporaryCredentials(opts: {
  clientId: string;
  accessToken: string;
  scopes: string[];
  start: Date;
  expiry: Date;
  seed?: string;
}): TemporaryCredentials {
  const start = opts.start.getTime();
  const expiry = opts.expiry.getTime();
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(expiry) || expiry <= start) {
    throw new RangeError('expiry must be a valid date after start');
  }
  if (expiry - start > MAX_CERTIFICATE_LIFETIME_MS) {
    throw new RangeError('temporary credentials cannot span more than 31 days');
  }
  if (!isStringArray(opts.scopes)) throw new TypeError('scopes must be strings');
  const seed = opts.seed ?? slugid.v4() + slugid.v4();
  if (!SEED_PATTERN.test(seed)) throw new TypeError('seed must be 44 base64url characters');

  const unsigned = { version: 1 as const, scopes: [...opts.scopes], start, expiry, seed };
  // Key order as taskcluster-client writes it, so the JSON reads the same.
  const cert: Certificate = { ...unsigned, signature: certificateSignature(opts.accessToken, unsigned) };
  return {
    clientId: opts.clientId,
    accessToken: temporaryAccessToken(opts.accessToken, seed),
    certificate: JSON.stringify(cert),
  };
}
