// Hawk authentication end to end through the real API: every way a request can fail to
// authenticate gets the same 401 body, stores nothing (no resource, no nonce), and a
// signed request is accepted once across every replica sharing the database, for as long
// as its timestamp is within the 15 minutes of skew TaskCluster allows.
import { HAWK_SKEW_SEC, sweepExpired } from '../../src/api/server';
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
const MINUTE = 60;
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
});

test('the allowed clock skew is 15 minutes, as in TaskCluster', () => {
  expect(HAWK_SKEW_SEC).toBe(15 * MINUTE);
});

test.each([
  ['behind', -10 * MINUTE],
  ['ahead', 10 * MINUTE],
])('a timestamp 10 minutes %s is accepted', async (name, offsetSec) => {
  const path = `/v1/ami-set/hawk-skewed-${name}`;
  expect((await attempt({ path, timestamp: nowSec() + offsetSec }, { path })).status).toBe(200);
});

// Built when each test runs: clients and the clock are only known then.
const failures: Array<[string, () => Partial<Signed>, { method?: string; path?: string }]> = [
  ['a wrong MAC (wrong access token)', () => ({ credentials: { ...writer, accessToken: `${writer.accessToken}x` } }), {}],
  ['an unknown client', () => ({ credentials: { clientId: 'nobody-at-all', accessToken: 'some-access-token-0123456789' } }), {}],
  ['an expired client', () => ({ credentials: expired }), {}],
  ['a timestamp 16 minutes behind', () => ({ timestamp: nowSec() - 16 * MINUTE }), {}],
  ['a timestamp 16 minutes ahead', () => ({ timestamp: nowSec() + 16 * MINUTE }), {}],
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

test('a header 10 minutes old is refused when replayed, even after the sweep of expired nonces', async () => {
  const path = '/v1/ami-set/hawk-replayed-old';
  const authorization = hawkHeader({ method: 'PUT', host, port, path, credentials: writer, timestamp: nowSec() - 10 * MINUTE });
  const send = () => rawRequest(h.url, { method: 'PUT', path, body: BODY, headers: { authorization, host: `${host}:${port}` } });
  expect((await send()).status).toBe(200);
  await sweepExpired(h.services);
  expect(await send()).toMatchObject({ status: 401, body: AUTH_FAILED });
});

describe('payload hashes', () => {
  // taskcluster-client 1.6.3 sends none; other Hawk clients may, and then it must match.
  const path = '/v1/ami-set/hawk-hashed';
  const other = JSON.stringify({ amis: [{ ...amiSetBody().amis[0]!, hvm: 'ami-0fffffffffffffff0' }] });
  const signedOver = (payload: string, contentType = 'application/json', method = 'PUT', at = path) =>
    hawkHeader({ method, host, port, path: at, credentials: writer, payload, contentType });
  const send = (authorization: string, body: string | undefined, contentType = 'application/json', method = 'PUT', at = path) =>
    rawRequest(h.url, { method, path: at, body, headers: { authorization, host: `${host}:${port}`, 'content-type': contentType } });

  test.each([
    ['another body', other, 'application/json'],
    ['an empty body', '', 'application/json'],
    ['the body with one byte more', `${BODY} `, 'application/json'],
    ['another content type', BODY, 'text/plain'],
  ])('a header signed over the body, sent with %s, is a 401; the genuine request then still succeeds', async (_name, body, type) => {
    const authorization = signedOver(BODY);
    const noncesBefore = await hawkNonceCount(h);
    expect(await send(authorization, body, type)).toMatchObject({ status: 401, body: AUTH_FAILED });
    expect(await h.db.amiSet.findUnique({ where: { id: 'hawk-hashed' } })).toBeNull();
    expect(await hawkNonceCount(h)).toBe(noncesBefore);
    // Not even the nonce was used up: the request as signed is accepted once, and stores its own body.
    expect((await send(authorization, BODY)).status).toBe(200);
    expect((await h.db.amiSet.findUnique({ where: { id: 'hawk-hashed' } }))?.amis).toEqual(amiSetBody().amis);
    await h.db.amiSet.delete({ where: { id: 'hawk-hashed' } });
  });

  test('the media type is compared without parameters and case, as hawk does', async () => {
    const authorization = signedOver(BODY, 'application/json');
    expect((await send(authorization, BODY, 'Application/JSON; charset=utf-8')).status).toBe(200);
    await h.db.amiSet.delete({ where: { id: 'hawk-hashed' } });
  });

  test('on a route without a body the hash covers the empty body', async () => {
    const at = '/v1/ami-set/hawk-hashed-absent';
    expect(await send(signedOver('x', 'application/json', 'DELETE', at), undefined, 'application/json', 'DELETE', at))
      .toMatchObject({ status: 401, body: AUTH_FAILED });
    expect((await send(signedOver('', 'application/json', 'DELETE', at), undefined, 'application/json', 'DELETE', at)).status).toBe(204);
  });
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
