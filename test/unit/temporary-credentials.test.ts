// Temporary credentials: certificates issued by taskcluster-client 1.6.3 must verify here,
// and certificates issued here must verify here and match the client's format.
import path from 'node:path';
import { HAWK_SKEW_SEC, createHawkAuthenticator, type ClientRecord } from '../../src/api/auth/hawk-authenticator';
import {
  certificateSignature,
  createTemporaryCredentials,
  parseCertificate,
  temporaryAccessToken,
  type Certificate,
} from '../../src/api/auth/temporary-credentials';

interface ClientHawk {
  client: {
    header(
      uri: string,
      method: string,
      o: { credentials: { id: string; key: string; algorithm: string }; ext?: string; timestamp?: number; nonce?: string },
    ): { field: string };
  };
}
interface Credentials { clientId: string; accessToken: string; certificate: string }
interface Taskcluster { createTemporaryCredentials(o: Record<string, unknown>): Credentials }

const tcDir = path.dirname(require.resolve('taskcluster-client'));
const clientHawk = require(require.resolve('hawk', { paths: [tcDir] })) as ClientHawk;
const taskcluster = require('taskcluster-client') as Taskcluster;

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ISSUER: ClientRecord = {
  clientId: 'provisioner',
  accessToken: 'provisioner-permanent-token',
  scopes: ['assume:worker-type:aws-provisioner-v1/*', 'queue:claim-work:aws-provisioner-v1/*', 'auth:create-client:worker/*'],
};
const OTHERS: ClientRecord[] = [
  { clientId: 'retired', accessToken: 'retired-token', scopes: ['*'], expires: new Date(NOW - 1) },
];
const lookup = async (id: string) => [ISSUER, ...OTHERS].find((c) => c.clientId === id) ?? null;
const authenticate = createHawkAuthenticator({ lookup, now: () => NOW });
const WORKER_SCOPES = ['assume:worker-type:aws-provisioner-v1/b-1', 'queue:claim-work:aws-provisioner-v1/b-1'];

function tcCredentials(o: { scopes?: string[]; start?: number; expiry?: number; clientId?: string; issuer?: ClientRecord } = {}) {
  const issuer = o.issuer ?? ISSUER;
  return taskcluster.createTemporaryCredentials({
    scopes: o.scopes ?? WORKER_SCOPES,
    start: new Date(o.start ?? NOW - 5 * 60_000),
    expiry: new Date(o.expiry ?? NOW + 96 * HOUR),
    clientId: o.clientId,
    credentials: { clientId: issuer.clientId, accessToken: issuer.accessToken },
  });
}

/** The seed the authenticator reports for temporary credentials. */
const seedOf = (creds: { certificate: string }) => (JSON.parse(creds.certificate) as Certificate).seed;
/** Every accepted request carries the replay key its admission records. */
const REPLAY = { key: expect.any(String), tsMs: expect.any(Number) };

/** Signs a request as taskcluster-client does with temporary credentials (cert object in ext). */
function request(creds: { clientId: string; accessToken: string; certificate: unknown }) {
  const ext = Buffer.from(JSON.stringify({ certificate: creds.certificate })).toString('base64');
  const { field } = clientHawk.client.header('https://provisioner.example.com/v1/secret/abc', 'GET', {
    credentials: { id: creds.clientId, key: creds.accessToken, algorithm: 'sha256' },
    ext,
    timestamp: Math.floor(NOW / 1000),
    nonce: 'k9s8d7',
  });
  return { method: 'GET', url: '/v1/secret/abc', host: 'provisioner.example.com', port: 443, authorization: field };
}

/** Re-signs an edited certificate with `key`, keeping everything else as given. */
function resign(cert: Certificate, edit: Partial<Certificate>, key: string, clientId?: string): Certificate {
  const next = { ...cert, ...edit };
  return { ...next, signature: certificateSignature(key, next, clientId) };
}

describe('certificates from taskcluster-client 1.6.3', () => {
  test.each([
    ['no scopes', []],
    ['one scope', ['queue:get-task']],
    ['several scopes', WORKER_SCOPES],
  ])('our signature and token formulas reproduce the client\'s, with %s', (_name, scopes) => {
    const creds = tcCredentials({ scopes });
    const cert = parseCertificate(creds.certificate) as Certificate;
    expect(typeof cert).toBe('object');
    expect(certificateSignature(ISSUER.accessToken, cert)).toBe(cert.signature);
    expect(temporaryAccessToken(ISSUER.accessToken, cert.seed)).toBe(creds.accessToken);
  });

  test.each([
    ['as a JSON object in ext', (c: Credentials) => ({ ...c, certificate: JSON.parse(c.certificate) })],
    ['as a JSON string in ext', (c: Credentials) => c],
  ])('are accepted %s, with the certificate scopes', async (_name, shape) => {
    const creds = tcCredentials();
    const result = await authenticate(request(shape(creds)));
    expect(result).toEqual({ ok: true, clientId: 'provisioner', scopes: WORKER_SCOPES, certificateSeed: seedOf(creds), replay: REPLAY });
  });

  test('named temporary credentials act under their own name', async () => {
    const creds = tcCredentials({ clientId: 'worker/i-0abc' });
    expect(JSON.parse(creds.certificate).issuer).toBe('provisioner');
    await expect(authenticate(request(creds))).resolves.toEqual({ ok: true, clientId: 'worker/i-0abc', scopes: WORKER_SCOPES, certificateSeed: seedOf(creds), replay: REPLAY });
  });

  test('a certificate with no scopes grants none', async () => {
    const creds = tcCredentials({ scopes: [] });
    await expect(authenticate(request(creds))).resolves.toEqual({ ok: true, clientId: 'provisioner', scopes: [], certificateSeed: seedOf(creds), replay: REPLAY });
  });
});

describe('rejected temporary credentials', () => {
  const base = tcCredentials();
  const cert = JSON.parse(base.certificate) as Certificate;
  const withCert = (c: Certificate, accessToken = base.accessToken) => ({ ...base, accessToken, certificate: c });
  const named = tcCredentials({ clientId: 'builder-1' });

  const cases: Array<[string, () => { clientId: string; accessToken: string; certificate: unknown }, RegExp]> = [
    ['a forged signature', () => withCert({ ...cert, signature: `${cert.signature.startsWith('A') ? 'B' : 'A'}${cert.signature.slice(1)}` }), /signature is invalid/],
    ['scopes added after signing', () => withCert({ ...cert, scopes: [...cert.scopes, 'queue:*'] }), /signature is invalid/],
    ['expiry extended after signing', () => withCert({ ...cert, expiry: cert.expiry + DAY }), /signature is invalid/],
    ['a signature made with another key', () => withCert(resign(cert, {}, 'not-the-issuer-token')), /signature is invalid/],
    ['an expired certificate', () => tcCredentials({ start: NOW - 2 * DAY, expiry: NOW - 1 }), /certificate has expired/],
    ['a certificate not yet valid', () => tcCredentials({ start: NOW + HAWK_SKEW_SEC * 1000 + 1000, expiry: NOW + DAY }), /not yet valid/],
    ['a certificate over 31 days', () => withCert(resign(cert, { expiry: cert.start + 31 * DAY + 1 }, ISSUER.accessToken)),
      /31 days/],
    ['scopes the issuer lacks', () => tcCredentials({ scopes: ['queue:*'] }), /lacks scopes/],
    ['a name the issuer may not create', () => named, /may not name/],
    ['the permanent token used with a certificate', () => withCert(cert, ISSUER.accessToken), /bad mac/i],
    ['an expired issuer', () => tcCredentials({ issuer: OTHERS[0]! }), /issuer retired has expired/],
    ['an unknown issuer', () => ({ ...named, certificate: { ...JSON.parse(named.certificate), issuer: 'ghost' } }), /unknown issuer ghost/],
    ['an issuer naming itself', () => ({ ...base, certificate: { ...cert, issuer: 'provisioner' } }), /issuer equals/],
    ['a malformed seed', () => withCert({ ...cert, seed: 'short' }), /seed/],
    ['a missing signature', () => withCert({ ...cert, signature: undefined as unknown as string }), /signature is not a string/],
  ];
  test.each(cases)('%s', async (_name, make, reason) => {
    await expect(authenticate(request(make()))).resolves.toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('createTemporaryCredentials', () => {
  const issue = (o: Partial<Parameters<typeof createTemporaryCredentials>[0]> = {}) =>
    createTemporaryCredentials({
      clientId: ISSUER.clientId,
      accessToken: ISSUER.accessToken,
      scopes: WORKER_SCOPES,
      start: new Date(NOW - 5 * 60_000),
      expiry: new Date(NOW + 96 * HOUR),
      ...o,
    });

  test('returns the certificate fields in the client\'s format, without issuer', () => {
    const creds = issue();
    expect(creds.clientId).toBe('provisioner');
    expect(creds.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cert = JSON.parse(creds.certificate);
    expect(Object.keys(cert)).toEqual(['version', 'scopes', 'start', 'expiry', 'seed', 'signature']);
    expect(cert).toMatchObject({ version: 1, scopes: WORKER_SCOPES, start: NOW - 5 * 60_000, expiry: NOW + 96 * HOUR });
    expect(cert.seed).toMatch(/^[A-Za-z0-9_-]{44}$/);
    expect(cert.signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  test('uses a fresh random seed each time, hence a fresh token', () => {
    const [a, b] = [issue(), issue()];
    expect(JSON.parse(a.certificate).seed).not.toBe(JSON.parse(b.certificate).seed);
    expect(a.accessToken).not.toBe(b.accessToken);
  });

  test('is deterministic for a given seed', () => {
    const seed = 'A'.repeat(22) + 'b_-'.repeat(7) + 'c';
    expect(issue({ seed })).toEqual(issue({ seed }));
    expect(issue({ seed }).accessToken).toBe(temporaryAccessToken(ISSUER.accessToken, seed));
  });

  test.each([
    ['96 hours', 96 * HOUR],
    ['exactly 31 days', 31 * DAY - 5 * 60_000],
  ])('round-trips through the authenticator for %s', async (_name, lifetime) => {
    const creds = issue({ expiry: new Date(NOW + lifetime) });
    await expect(authenticate(request(creds))).resolves.toEqual({ ok: true, clientId: 'provisioner', scopes: WORKER_SCOPES, certificateSeed: seedOf(creds), replay: REPLAY });
  });

  test('credentials with scopes beyond the issuer are issued but rejected on use', async () => {
    const result = await authenticate(request(issue({ scopes: ['*'] })));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/lacks scopes/) });
  });

  test.each([
    ['a window over 31 days', { expiry: new Date(NOW + 32 * DAY) }, /31 days/],
    ['expiry before start', { expiry: new Date(NOW - DAY) }, /after start/],
    ['an invalid date', { start: new Date(Number.NaN) }, /valid date/],
    ['a malformed seed', { seed: 'too-short' }, /seed/],
  ])('throws for %s', (_name, o, message) => {
    expect(() => issue(o)).toThrow(message);
  });
});
