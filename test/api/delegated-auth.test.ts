// AUTH_MODE=taskcluster: the real taskcluster-client 1.6.3 against the real API, whose every
// signature is checked by the strict authenticateHawk stand-in (test/support/auth-standin.ts).
// Permanent and temporary credentials, roles and authorizedScopes are the Auth service's; the
// scope check, the payload hash and the uniform 401 body are ours, the same as in local mode.
// The Auth service failing, hanging or down is a 503 and stores nothing.
import { amiSetBody } from '../support/fixtures';
import { failure, startApiHarness, type ApiHarness } from '../support/api-harness';
import { startAuthStandin, type AuthStandin } from '../support/auth-standin';
import { AUTH_FAILED, hawkHeader, rawRequest } from '../security/support';

const taskcluster = require('taskcluster-client');

const AUTH_TIMEOUT_SEC = 2;
const MANAGE_AMI_SETS = 'aws-provisioner:manage-ami-set:*';
const operator = { clientId: 'project/ci/operator', accessToken: 'operator-access-token-0123456789' };
const issuer = { clientId: 'project/ci/issuer', accessToken: 'issuer-access-token-0123456789ab' };
const viaRole = { clientId: 'project/ci/by-role', accessToken: 'by-role-access-token-0123456789' };
const reader = { clientId: 'project/ci/reader', accessToken: 'reader-access-token-0123456789a' };

let auth: AuthStandin;
let h: ApiHarness;

beforeAll(async () => {
  auth = await startAuthStandin();
  auth.addClient({ ...operator, scopes: [MANAGE_AMI_SETS] });
  auth.addClient({ ...issuer, scopes: [MANAGE_AMI_SETS, 'auth:create-client:project/ci/temp-*'] });
  auth.addClient({ ...viaRole, scopes: ['assume:project:ci'] });
  auth.addClient({ ...reader, scopes: ['aws-provisioner:manage-worker-type:*'] });
  auth.addRole('project:ci', [MANAGE_AMI_SETS]);
  h = await startApiHarness({
    AUTH_MODE: 'taskcluster', AUTH_TIMEOUT: String(AUTH_TIMEOUT_SEC), TASKCLUSTER_ROOT_URL: auth.rootUrl,
    TASKCLUSTER_CLIENT_ID: issuer.clientId, TASKCLUSTER_ACCESS_TOKEN: issuer.accessToken,
  });
}, 120_000); // a database, a Temporal dev server and the API
afterAll(async () => {
  await h?.stop();
  await auth?.stop();
});

type Creds = { clientId: string; accessToken: string; certificate?: string };
const client = (credentials: Creds, extra: Record<string, unknown> = {}) =>
  new taskcluster.AwsProvisioner({ baseUrl: `${h.url}/v1`, retries: 0, credentials, ...extra });
const stored = (id: string) => h.db.amiSet.findUnique({ where: { id } });
const hour = () => new Date(Date.now() + 3600_000);

test('permanent credentials: the API sends the request exactly as authenticateHawk takes it, and acts on the verdict', async () => {
  const before = auth.received.length;
  expect(await client(operator).createAmiSet('dlg-permanent', amiSetBody())).toEqual({ outcome: 'success' });
  expect(auth.received.slice(before)).toEqual([{
    method: 'put', resource: '/v1/ami-set/dlg-permanent', host: '127.0.0.1', port: Number(new URL(h.url).port),
    authorization: expect.stringMatching(/^Hawk id="project\/ci\/operator", ts="\d+", nonce="[^"]+", mac="[^"]+"$/),
    sourceIp: expect.stringMatching(/127\.0\.0\.1$/),
  }]);
  expect(await stored('dlg-permanent')).not.toBeNull();
});

test('anonymous methods never ask the Auth service', async () => {
  const before = auth.received.length;
  await client(operator).ping();
  await client(operator).listAmiSets();
  expect(auth.received.length).toBe(before);
});

test('scopes granted through a role of the Auth service are honoured', async () => {
  expect(await client(viaRole).createAmiSet('dlg-role', amiSetBody())).toEqual({ outcome: 'success' });
});

test('temporary credentials, unnamed and named, are accepted with their certificate scopes', async () => {
  const unnamed = taskcluster.createTemporaryCredentials({ credentials: issuer, scopes: [MANAGE_AMI_SETS], expiry: hour() });
  expect(await client(unnamed).createAmiSet('dlg-temp', amiSetBody())).toEqual({ outcome: 'success' });
  const named = taskcluster.createTemporaryCredentials({
    credentials: issuer, clientId: 'project/ci/temp-1', scopes: ['aws-provisioner:manage-ami-set:dlg-named'], expiry: hour(),
  });
  expect(await client(named).createAmiSet('dlg-named', amiSetBody())).toEqual({ outcome: 'success' });
  expect(h.logs.some((l) => l.includes('"clientId":"project/ci/temp-1"'))).toBe(true);
  // Each certificate has a write budget of its own, apart from its issuer's (rate-limit.ts).
  const keys = (await h.db.rateLimit.findMany()).map((r) => r.clientId);
  expect(keys).toEqual(expect.arrayContaining([operator.clientId, expect.stringMatching(/^project\/ci\/issuer#temp:[0-9a-f]{32}$/)]));
  expect(keys).not.toContain(issuer.clientId);
  // The certificate narrows: the issuer may write any set, these credentials only one.
  expect(await failure(client(named).createAmiSet('dlg-named-other', amiSetBody()))).toMatchObject({ status: 403, code: 'InsufficientScopes' });
});

test('a certificate whose scopes were widened after signing is a 401', async () => {
  const temp = taskcluster.createTemporaryCredentials({ credentials: issuer, scopes: ['aws-provisioner:manage-ami-set:dlg-x'], expiry: hour() });
  const cert = JSON.parse(temp.certificate);
  const forged = { ...temp, certificate: JSON.stringify({ ...cert, scopes: [MANAGE_AMI_SETS] }) };
  expect(await failure(client(forged).createAmiSet('dlg-forged', amiSetBody()))).toEqual({ status: 401, ...AUTH_FAILED });
  expect(await stored('dlg-forged')).toBeNull();
});

test('an expired certificate is a 401', async () => {
  const expired = taskcluster.createTemporaryCredentials({
    credentials: issuer, scopes: [MANAGE_AMI_SETS], start: new Date(Date.now() - 7200_000), expiry: new Date(Date.now() - 3600_000),
  });
  expect(await failure(client(expired).createAmiSet('dlg-expired', amiSetBody()))).toEqual({ status: 401, ...AUTH_FAILED });
});

test('authorizedScopes narrow the credentials; scopes beyond the credentials are a 401', async () => {
  const narrowed = client(operator, { authorizedScopes: ['aws-provisioner:manage-ami-set:dlg-narrow'] });
  expect(await narrowed.createAmiSet('dlg-narrow', amiSetBody())).toEqual({ outcome: 'success' });
  expect(await failure(narrowed.createAmiSet('dlg-narrow-other', amiSetBody()))).toMatchObject({ status: 403, code: 'InsufficientScopes' });
  const widened = client(operator, { authorizedScopes: ['*'] });
  expect(await failure(widened.createAmiSet('dlg-widened', amiSetBody()))).toEqual({ status: 401, ...AUTH_FAILED });
});

test('a client without the scope is a 403 naming the scope', async () => {
  const err = await failure(client(reader).createAmiSet('dlg-unscoped', amiSetBody()));
  expect(err).toMatchObject({ status: 403, code: 'InsufficientScopes', message: expect.stringContaining('aws-provisioner:manage-ami-set:dlg-unscoped') });
});

test.each([
  ['a bad signature', { ...operator, accessToken: `${operator.accessToken}x` }],
  ['an unknown client', { clientId: 'project/ci/nobody', accessToken: 'nobody-access-token-0123456789' }],
  ['root, which the Auth service does not know', { clientId: 'root', accessToken: 'test-root-access-token-0123456789' }],
])('%s is a 401 with the same body as in local mode, and nothing is stored', async (_name, credentials) => {
  expect(await failure(client(credentials).createAmiSet('dlg-refused', amiSetBody()))).toEqual({ status: 401, ...AUTH_FAILED });
  expect(await stored('dlg-refused')).toBeNull();
});

test('the server log keeps the Auth service\'s reason; the client gets the uniform body', () => {
  const reasons = h.logs.map((l) => JSON.parse(l) as { msg: string; reason?: string })
    .filter((l) => l.msg === 'authentication failed').map((l) => l.reason ?? '');
  expect(reasons).toEqual(expect.arrayContaining([expect.stringContaining('Bad mac'), expect.stringContaining('not found')]));
});

describe('payload hashes, which the Auth service reports and this API checks', () => {
  const send = (path: string, signedBody: string, sentBody: string) => {
    const target = new URL(h.url);
    const authorization = hawkHeader({
      method: 'PUT', host: target.hostname, port: Number(target.port), path, credentials: operator,
      payload: signedBody, contentType: 'application/json',
    });
    return rawRequest(h.url, { method: 'PUT', path, body: sentBody, headers: { authorization } });
  };
  const body = JSON.stringify(amiSetBody());

  test('a body other than the one signed is a 401; the signed one is accepted', async () => {
    const other = JSON.stringify({ amis: amiSetBody().amis.slice(0, 1) });
    expect(await send('/v1/ami-set/dlg-hashed', body, other)).toMatchObject({ status: 401, body: AUTH_FAILED });
    expect(await stored('dlg-hashed')).toBeNull();
    expect((await send('/v1/ami-set/dlg-hashed', body, body)).status).toBe(200);
  });

  test('a bewit next to an Authorization header is a 401, as in taskcluster-lib-api, without asking the Auth service', async () => {
    const target = new URL(h.url);
    const path = '/v1/ami-set/dlg-bewit?bewit=abc';
    const authorization = hawkHeader({ method: 'PUT', host: target.hostname, port: Number(target.port), path, credentials: operator });
    const before = auth.received.length;
    expect(await rawRequest(h.url, { method: 'PUT', path, body, headers: { authorization } })).toMatchObject({ status: 401, body: AUTH_FAILED });
    expect(auth.received.length).toBe(before);
  });

  test('a replayed header is refused by the Auth service', async () => {
    const target = new URL(h.url);
    const path = '/v1/ami-set/dlg-replayed';
    const authorization = hawkHeader({ method: 'PUT', host: target.hostname, port: Number(target.port), path, credentials: operator });
    expect((await rawRequest(h.url, { method: 'PUT', path, body, headers: { authorization } })).status).toBe(200);
    expect(await rawRequest(h.url, { method: 'PUT', path, body, headers: { authorization } })).toMatchObject({ status: 401, body: AUTH_FAILED });
  });
});

describe('the stand-in is strict (controls: what it refuses, the real service refuses too)', () => {
  const ask = (body: unknown, contentType = 'application/json') => fetch(`${auth.rootUrl}/api/auth/v1/authenticate-hawk`, {
    method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: await res.json() as Record<string, unknown> }));
  const signed = (host = '127.0.0.1', credentials = operator, timestamp?: number) =>
    hawkHeader({ method: 'PUT', host, port: 5557, path: '/v1/ami-set/x', credentials, timestamp });
  const minutesAgo = (m: number) => Math.floor(Date.now() / 1000) - m * 60;
  const valid = () => ({ method: 'put', resource: '/v1/ami-set/x', host: '127.0.0.1', port: 5557, authorization: signed() });

  test('a valid request gets the real success format', async () => {
    expect(await ask(valid())).toEqual({ status: 200, body: {
      status: 'auth-success', scheme: 'hawk', clientId: operator.clientId,
      scopes: [MANAGE_AMI_SETS, 'assume:anonymous'], expires: '3000-01-01T00:00:00.000Z',
    } });
  });

  test.each([
    ['an uppercase method', { method: 'PUT' }],
    ['a missing port', { port: undefined }],
    ['a port as a string', { port: '5557' }],
    ['a host with a port in it', { host: '127.0.0.1:5557' }],
    ['a field the schema does not have', { url: '/v1/ami-set/x' }],
    ['a sourceIp that is no address', { sourceIp: 'localhost' }],
  ])('%s is a 400 InputValidationError', async (_name, change) => {
    expect(await ask({ ...valid(), ...change })).toMatchObject({ status: 400, body: { code: 'InputValidationError' } });
  });

  test('a body that is not JSON is a 400', async () => {
    expect((await ask(JSON.stringify(valid()), 'text/plain')).status).toBe(400);
  });

  test.each([
    ['signed for another host', () => ({ ...valid(), authorization: signed('elsewhere.example.com') })],
    ['signed with a wrong token', () => ({ ...valid(), authorization: signed('127.0.0.1', { ...operator, accessToken: 'wrong-token-0123456789abcdef' }) })],
    ['for another resource', () => ({ ...valid(), resource: '/v1/ami-set/y' })],
    ['16 minutes old (its own 15-minute skew)', () => ({ ...valid(), authorization: signed('127.0.0.1', operator, minutesAgo(16)) })],
  ])('a header %s is auth-failed', async (_name, body) => {
    expect(await ask(body())).toMatchObject({ status: 200, body: { status: 'auth-failed', message: expect.any(String) } });
  });
});

describe('when the Auth service gives no verdict, the answer is a 503 and nothing is stored', () => {
  const UNAVAILABLE = { status: 503, code: 'ServiceUnavailable', message: 'The TaskCluster Auth service is unavailable; retry later.' };
  afterEach(() => auth.setFault('none'));

  test.each([['fails (500)', 'error'], ['answers outside its schema', 'malformed']] as const)('it %s', async (_name, fault) => {
    auth.setFault(fault);
    expect(await failure(client(operator).createAmiSet(`dlg-${fault}`, amiSetBody()))).toEqual(UNAVAILABLE);
    expect(await stored(`dlg-${fault}`)).toBeNull();
  });

  test(`it hangs: a 503 after AUTH_TIMEOUT (${AUTH_TIMEOUT_SEC} s)`, async () => {
    auth.setFault('hang');
    const started = Date.now();
    expect(await failure(client(operator).createAmiSet('dlg-hang', amiSetBody()))).toEqual(UNAVAILABLE);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(AUTH_TIMEOUT_SEC * 1000 - 50);
    expect(waited).toBeLessThan(AUTH_TIMEOUT_SEC * 1000 + 5000);
    auth.setFault('none');
    expect(await stored('dlg-hang')).toBeNull();
  });

  test('the log says why, without the credentials', () => {
    const lines = h.logs.filter((l) => l.includes('auth service unavailable'));
    expect(lines.join('\n')).toMatch(/answered 500/);
    expect(lines.join('\n')).toMatch(/no answer within 2000 ms/);
    expect(lines.join('\n')).not.toContain('Hawk id=');
  });

  test('it is down (connection refused); then even valid credentials are never accepted', async () => {
    await auth.stop();
    expect(await failure(client(operator).createAmiSet('dlg-down', amiSetBody()))).toEqual(UNAVAILABLE);
    expect(await stored('dlg-down')).toBeNull();
    expect(h.logs.some((l) => l.includes('unreachable (ECONNREFUSED)'))).toBe(true);
  });
});
