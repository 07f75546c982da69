// Hawk authentication end to end through the real API: every way a request can fail to
// authenticate gets the same 401 body, stores nothing (no resource, no nonce), and a
// signed request is accepted once across every replica sharing the database.
import { HAWK_SKEW_SEC } from '../../src/api/server';
import { amiSetBody } from '../support/fixtures';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import {
  AUTH_FAILED, createClient, hawkHeader, hawkNonceCount, rawRequest, startReplica,
  type Credentials, type Replica, type Signed,
} from './support';

let h: ApiHarness;
let replica: Replica;
let writer: Credentials;
let expired: Credentials;
let host: string;
let port: number;

beforeAll(async () => {
  h = await startApiHarness();
  replica = await startReplica(h);
  writer = await createClient(h, 'hawk-writer', ['aws-provisioner:manage-ami-set:*']);
  expired = await createClient(h, 'hawk-expired', ['*'], new Date(Date.now() - 60_000));
  ({ hostname: host } = new URL(h.url));
  port = Number(new URL(h.url).port);
});
afterAll(async () => {
  await replica?.stop();
  await h?.stop();
});

const nowSec = () => Math.floor(Date.now() / 1000);
const BODY = JSON.stringify(amiSetBody());
const TARGET = '/v1/ami-set/hawk-target';

/** Sends `sent` with a header signed over `signed` (defaults: the same request, correctly). */
async function attempt(signed: Partial<Signed>, sent: { method?: string; path?: string } = {}) {
  const base: Signed = { method: 'PUT', host, port, path: TARGET, credentials: writer };
  const authorization = hawkHeader({ ...base, ...signed });
  return rawRequest(h.url, {
    method: sent.method ?? 'PUT', path: sent.path ?? TARGET, body: BODY,
    headers: { authorization, host: `${host}:${port}` },
  });
}

test('the helper signs correctly: an untampered request is accepted and stored', async () => {
  const res = await attempt({ path: '/v1/ami-set/hawk-control' }, { path: '/v1/ami-set/hawk-control' });
  expect(res.status).toBe(200);
  expect(await h.db.amiSet.findUnique({ where: { id: 'hawk-control' } })).not.toBeNull();
  const within = await attempt({ path: '/v1/ami-set/hawk-skewed', timestamp: nowSec() - HAWK_SKEW_SEC / 2 }, { path: '/v1/ami-set/hawk-skewed' });
  expect(within.status).toBe(200);
});

// Built when each test runs: clients and the clock are only known then.
const failures: Array<[string, () => Partial<Signed>, { method?: string; path?: string }]> = [
  ['a wrong MAC (wrong access token)', () => ({ credentials: { ...writer, accessToken: `${writer.accessToken}x` } }), {}],
  ['an unknown client', () => ({ credentials: { clientId: 'nobody-at-all', accessToken: 'some-access-token-0123456789' } }), {}],
  ['an expired client', () => ({ credentials: expired }), {}],
  ['a timestamp older than the allowed skew', () => ({ timestamp: nowSec() - HAWK_SKEW_SEC - 30 }), {}],
  ['a timestamp further ahead than the allowed skew', () => ({ timestamp: nowSec() + HAWK_SKEW_SEC + 30 }), {}],
  ['a timestamp that is not a number', () => ({ timestamp: 'soon' }), {}],
  ['a tampered host', () => ({ host: 'provisioner.example.com' }), {}],
  ['a tampered port', () => ({ port: port + 1 }), {}],
  ['a tampered path', () => ({ path: '/v1/ami-set/hawk-other' }), {}],
  ['a tampered query', () => ({ path: `${TARGET}?a=1` }), { path: `${TARGET}?a=2` }],
  ['an added query', () => ({}), { path: `${TARGET}?` }],
  ['a tampered method', () => ({ method: 'DELETE' }), {}],
];

test.each(failures)('%s is a 401 with the uniform body, and nothing is stored', async (_name, signed, sent) => {
  const noncesBefore = await hawkNonceCount(h);
  const res = await attempt(signed(), sent);
  expect(res.status).toBe(401);
  expect(res.body).toEqual(AUTH_FAILED);
  expect(await h.db.amiSet.findUnique({ where: { id: 'hawk-target' } })).toBeNull();
  expect(await hawkNonceCount(h)).toBe(noncesBefore);
});

test('the server log tells the failures apart; the client cannot', async () => {
  const reasons = h.logs.map((l) => JSON.parse(l) as { msg: string; reason?: string })
    .filter((l) => l.msg === 'authentication failed').map((l) => l.reason);
  expect(new Set(reasons).size).toBeGreaterThanOrEqual(5);
});

test('a request without credentials is a 401 and stores nothing', async () => {
  const res = await rawRequest(h.url, { method: 'PUT', path: TARGET, body: BODY });
  expect(res).toMatchObject({ status: 401, body: { code: 'AuthenticationFailed' } });
  expect(await h.db.amiSet.findUnique({ where: { id: 'hawk-target' } })).toBeNull();
});

test('a replayed header is a 401, even with another body, and the stored set keeps the first body', async () => {
  const path = '/v1/ami-set/hawk-replayed';
  const authorization = hawkHeader({ method: 'PUT', host, port, path, credentials: writer });
  const headers = { authorization, host: `${host}:${port}` };
  expect((await rawRequest(h.url, { method: 'PUT', path, body: BODY, headers })).status).toBe(200);
  const other = amiSetBody();
  other.amis[0]!.hvm = 'ami-0fffffffffffffff0';
  const again = await rawRequest(h.url, { method: 'PUT', path, body: JSON.stringify(other), headers });
  expect(again).toMatchObject({ status: 401, body: AUTH_FAILED });
  const stored = await h.db.amiSet.findUnique({ where: { id: 'hawk-replayed' } });
  expect(stored?.amis).toEqual(amiSetBody().amis);
});

describe('two replicas over the same database', () => {
  // Both sit behind one public address (the harness's), as behind a load balancer that
  // keeps the Host header; the MAC is valid on both, so only the nonce store can refuse.
  const via = (baseUrl: string, path: string, authorization: string) =>
    rawRequest(baseUrl, { method: 'DELETE', path, headers: { authorization, host: `${host}:${port}` } });
  const header = (path: string) => hawkHeader({ method: 'DELETE', host, port, path, credentials: writer });

  test('the other replica accepts a fresh header for the shared address', async () => {
    expect((await via(replica.url, '/v1/ami-set/hawk-fresh', header('/v1/ami-set/hawk-fresh'))).status).toBe(204);
  });

  test('a header accepted by one replica is refused by the other, both ways', async () => {
    const first = header('/v1/ami-set/hawk-a');
    expect((await via(h.url, '/v1/ami-set/hawk-a', first)).status).toBe(204);
    expect(await via(replica.url, '/v1/ami-set/hawk-a', first)).toMatchObject({ status: 401, body: AUTH_FAILED });
    const second = header('/v1/ami-set/hawk-b');
    expect((await via(replica.url, '/v1/ami-set/hawk-b', second)).status).toBe(204);
    expect(await via(h.url, '/v1/ami-set/hawk-b', second)).toMatchObject({ status: 401, body: AUTH_FAILED });
  });

  test('of 20 simultaneous copies of one header spread over both replicas, exactly one is accepted', async () => {
    const authorization = header('/v1/ami-set/hawk-race');
    const results = await Promise.all(Array.from({ length: 20 }, (_v, i) =>
      via(i % 2 === 0 ? h.url : replica.url, '/v1/ami-set/hawk-race', authorization)));
    expect(results.filter((r) => r.status === 204)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401 && JSON.stringify(r.body) === JSON.stringify(AUTH_FAILED))).toHaveLength(19);
  });
});
