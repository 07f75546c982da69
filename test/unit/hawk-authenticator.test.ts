// Hawk authentication against headers built the way taskcluster-client 1.6.3 builds them:
// with the hawk 2.x it depends on, and end to end with the client's own HTTP requests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  HAWK_SKEW_SEC,
  createHawkAuthenticator,
  type ClientRecord,
  type HawkRequest,
} from '../../src/api/auth/hawk-authenticator';

interface ClientHawk {
  client: {
    header(
      uri: string,
      method: string,
      o: { credentials: { id: string; key: string; algorithm: string }; ext?: string; timestamp?: number; nonce?: string },
    ): { field: string; err?: string };
  };
}
interface ProvisionerClient { workerType(name: string): Promise<unknown> }
interface Taskcluster {
  AwsProvisioner: new (o: Record<string, unknown>) => ProvisionerClient;
  createTemporaryCredentials(o: Record<string, unknown>): { clientId: string; accessToken: string; certificate: string };
}

// The hawk module taskcluster-client itself resolves (its nested 2.x), i.e. what real clients send.
const tcDir = path.dirname(require.resolve('taskcluster-client'));
const clientHawk = require(require.resolve('hawk', { paths: [tcDir] })) as ClientHawk;
const clientHawkVersion = (require(require.resolve('hawk/package.json', { paths: [tcDir] })) as { version: string }).version;
const taskcluster = require('taskcluster-client') as Taskcluster;

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const SKEW_MS = HAWK_SKEW_SEC * 1000;
const CLIENTS: ClientRecord[] = [
  { clientId: 'alice', accessToken: 'alice-secret-token', scopes: ['aws-provisioner:manage-worker-type:*', 'queue:get-task'] },
  { clientId: 'old', accessToken: 'old-token', scopes: ['*'], expires: new Date(NOW - 1000) },
  { clientId: 'later', accessToken: 'later-token', scopes: ['*'], expires: new Date(NOW + 60_000) },
];
const lookup = async (id: string) => CLIENTS.find((c) => c.clientId === id) ?? null;
const ext = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

const REQ = { method: 'GET', url: '/v1/worker-type/b-1?x=1', host: 'provisioner.example.com', port: 443 };
const URL_SIGNED = 'https://provisioner.example.com/v1/worker-type/b-1?x=1';

function sign(o: { id?: string; key?: string; method?: string; url?: string; tsMs?: number; nonce?: string; ext?: string } = {}) {
  const result = clientHawk.client.header(o.url ?? URL_SIGNED, o.method ?? 'GET', {
    credentials: { id: o.id ?? 'alice', key: o.key ?? 'alice-secret-token', algorithm: 'sha256' },
    ext: o.ext,
    timestamp: Math.floor((o.tsMs ?? NOW) / 1000),
    nonce: o.nonce ?? 'n0nce1',
  });
  if (result.err) throw new Error(result.err);
  return result.field;
}

const authenticator = createHawkAuthenticator({ lookup, now: () => NOW });

test('signs with the hawk 2.x that taskcluster-client 1.6.3 ships', () => {
  expect(clientHawkVersion).toMatch(/^2\./);
});

describe('accepted requests', () => {
  const cases: Array<[string, HawkRequest, string, string[]]> = [
    ['a valid client', { ...REQ, authorization: sign() }, 'alice', CLIENTS[0]!.scopes],
    ['a timestamp 1 s inside the skew, in the past', { ...REQ, authorization: sign({ tsMs: NOW - SKEW_MS + 1000 }) }, 'alice', CLIENTS[0]!.scopes],
    ['a timestamp 1 s inside the skew, in the future', { ...REQ, authorization: sign({ tsMs: NOW + SKEW_MS - 1000 }) }, 'alice', CLIENTS[0]!.scopes],
    ['a client that expires later', { ...REQ, authorization: sign({ id: 'later', key: 'later-token' }) }, 'later', ['*']],
    ['a POST to a non-default port', { method: 'POST', url: '/v1/x', host: 'h.example', port: 8080,
      authorization: sign({ method: 'POST', url: 'http://h.example:8080/v1/x' }) }, 'alice', CLIENTS[0]!.scopes],
    ['authorizedScopes that narrow', { ...REQ, authorization: sign({ ext: ext({ authorizedScopes: ['aws-provisioner:manage-worker-type:b-1'] }) }) },
      'alice', ['aws-provisioner:manage-worker-type:b-1']],
  ];
  test.each(cases)('%s', async (_name, req, clientId, scopes) => {
    await expect(authenticator(req)).resolves.toEqual({ ok: true, clientId, scopes, replay: { key: expect.any(String), tsMs: expect.any(Number) } });
  });
});

describe('rejected requests', () => {
  const cases: Array<[string, HawkRequest, RegExp]> = [
    ['a wrong key', { ...REQ, authorization: sign({ key: 'guess' }) }, /bad mac/i],
    ['an unknown client', { ...REQ, authorization: sign({ id: 'mallory' }) }, /unknown client/],
    ['an expired client', { ...REQ, authorization: sign({ id: 'old', key: 'old-token' }) }, /expired/],
    ['a timestamp 1 s beyond the skew, in the past', { ...REQ, authorization: sign({ tsMs: NOW - SKEW_MS - 1000 }) }, /stale timestamp/i],
    ['a timestamp 1 s beyond the skew, in the future', { ...REQ, authorization: sign({ tsMs: NOW + SKEW_MS + 1000 }) }, /stale timestamp/i],
    ['a tampered path', { ...REQ, url: '/v1/worker-type/b-2?x=1', authorization: sign() }, /bad mac/i],
    ['a tampered query', { ...REQ, url: '/v1/worker-type/b-1?x=2', authorization: sign() }, /bad mac/i],
    ['a tampered method', { ...REQ, method: 'DELETE', authorization: sign() }, /bad mac/i],
    ['a tampered host', { ...REQ, host: 'evil.example.com', authorization: sign() }, /bad mac/i],
    ['a tampered port', { ...REQ, port: 8443, authorization: sign() }, /bad mac/i],
    ['no header', { ...REQ }, /malformed/],
    ['another scheme', { ...REQ, authorization: 'Basic YWxpY2U6eA==' }, /malformed/],
    ['a header without attributes', { ...REQ, authorization: 'Hawk' }, /malformed/],
    ['an unterminated attribute', { ...REQ, authorization: 'Hawk id="alice, ts="1"' }, /malformed/],
    ['a header without mac', { ...REQ, authorization: 'Hawk id="alice", ts="1", nonce="x"' }, /missing attributes/i],
    ['a header without id', { ...REQ, authorization: 'Hawk ts="1", nonce="x", mac="y"' }, /missing client id/],
    ['ext that is not base64', { ...REQ, authorization: sign({ ext: '{not-base64}' }) }, /not base64/],
    ['ext that is not JSON', { ...REQ, authorization: sign({ ext: Buffer.from('{oops').toString('base64') }) }, /JSON/],
    ['ext that is a JSON array', { ...REQ, authorization: sign({ ext: ext([1, 2]) }) }, /not an object/],
    ['ext that is JSON null', { ...REQ, authorization: sign({ ext: ext(null) }) }, /not an object/],
    ['authorizedScopes not a list', { ...REQ, authorization: sign({ ext: ext({ authorizedScopes: 'queue:*' }) }) }, /authorizedScopes/],
    ['authorizedScopes that widen', { ...REQ, authorization: sign({ ext: ext({ authorizedScopes: ['aws-provisioner:create-secret'] }) }) },
      /authorizedScopes exceed/],
    ['a garbage certificate', { ...REQ, authorization: sign({ ext: ext({ certificate: '{"version":' }) }) }, /certificate is not valid JSON/],
    ['a certificate of the wrong version', { ...REQ, authorization: sign({ ext: ext({ certificate: { version: 2 } }) }) }, /version/],
  ];
  test.each(cases)('%s', async (_name, req, reason) => {
    const result = await authenticator(req);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('replay keys', () => {
  // The authenticator records nothing: the caller records the key at admission
  // (test/db/admission.test.ts, test/security/hawk.test.ts).
  const keyOf = async (req: HawkRequest) => {
    const result = await authenticator(req);
    if (!result.ok) throw new Error(result.reason);
    return result.replay;
  };

  test('the same request is accepted twice with the same key; another nonce, client or timestamp makes another key', async () => {
    const req = { ...REQ, authorization: sign({ nonce: 'abc123' }) };
    const first = await keyOf(req);
    expect(await keyOf(req)).toEqual(first);
    expect(first).toEqual({ key: JSON.stringify(['alice', String(NOW / 1000), 'abc123']), tsMs: NOW });
    const others = await Promise.all([
      keyOf({ ...REQ, authorization: sign({ nonce: 'abc124' }) }),
      keyOf({ ...REQ, authorization: sign({ nonce: 'abc123', id: 'later', key: 'later-token' }) }),
      keyOf({ ...REQ, authorization: sign({ nonce: 'abc123', tsMs: NOW + 1000 }) }),
    ]);
    expect(new Set([first, ...others].map((k) => k?.key)).size).toBe(4);
  });

  test('a forged request gets no key', async () => {
    expect(await authenticator({ ...REQ, authorization: sign({ nonce: 'same01', key: 'guess' }) })).toEqual({ ok: false, reason: expect.any(String) });
  });
});

describe('storage failures propagate instead of blaming the client', () => {
  test.each([
    ['lookup', createHawkAuthenticator({ lookup: () => Promise.reject(new Error('db down')), now: () => NOW })],
  ])('%s', async (_name, auth) => {
    await expect(auth({ ...REQ, authorization: sign() })).rejects.toThrow('db down');
  });
});

describe('requests sent by taskcluster-client 1.6.3', () => {
  let server: http.Server;
  let port: number;
  let captured: HawkRequest[] = [];
  const realAuth = createHawkAuthenticator({ lookup: async (id) => (id === 'issuer' ? issuer : lookup(id)) });
  const issuer: ClientRecord = { clientId: 'issuer', accessToken: 'issuer-token', scopes: ['aws-provisioner:*', 'auth:create-client:w-*'] };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const [host = '', portText = '80'] = (req.headers.host ?? '').split(':');
      captured.push({ method: req.method ?? '', url: req.url ?? '', host, port: Number(portText), authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    captured = [];
  });

  const provisioner = (options: Record<string, unknown>) =>
    new taskcluster.AwsProvisioner({ baseUrl: `http://127.0.0.1:${port}/v1`, retries: 0, ...options });
  const temp = (clientId?: string) =>
    taskcluster.createTemporaryCredentials({
      clientId, scopes: ['aws-provisioner:manage-worker-type:w-1'], expiry: new Date(Date.now() + 3_600_000),
      credentials: { clientId: 'issuer', accessToken: 'issuer-token' },
    });

  // Temporary credentials also report their certificate's seed (the write rate limit keys on it).
  const seed = expect.stringMatching(/^[A-Za-z0-9_-]{44}$/);
  const cases: Array<[string, () => ProvisionerClient, Record<string, unknown>]> = [
    ['permanent credentials', () => provisioner({ credentials: { clientId: 'alice', accessToken: 'alice-secret-token' } }),
      { clientId: 'alice', scopes: CLIENTS[0]!.scopes }],
    ['authorizedScopes', () => provisioner({ credentials: { clientId: 'alice', accessToken: 'alice-secret-token' },
      authorizedScopes: ['queue:get-task'] }), { clientId: 'alice', scopes: ['queue:get-task'] }],
    ['temporary credentials', () => provisioner({ credentials: temp() }),
      { clientId: 'issuer', scopes: ['aws-provisioner:manage-worker-type:w-1'], certificateSeed: seed }],
    ['named temporary credentials', () => provisioner({ credentials: temp('w-7') }),
      { clientId: 'w-7', scopes: ['aws-provisioner:manage-worker-type:w-1'], certificateSeed: seed }],
  ];
  test.each(cases)('%s', async (_name, make, expected) => {
    await make().workerType('w-1');
    expect(captured).toHaveLength(1);
    expect(captured[0]!.url).toBe('/v1/worker-type/w-1');
    await expect(realAuth(captured[0]!)).resolves.toEqual({ ok: true, ...expected, replay: { key: expect.any(String), tsMs: expect.any(Number) } });
  });
});
