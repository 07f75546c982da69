// The API's monitoring paths and request ids, through the real app on a real server:
// /healthz, /readyz and /metrics answer without Hawk authentication and are never rate
// limited; requests are counted by route name, never by URL; every response carries an
// X-Request-Id (the caller's when it is short and plain) and every request log line has it.
import { buildServices, startApiServer, type RunningApi } from '../../src/api/server';
import { createPrisma, type PrismaClient } from '../../src/db/client';
import { freePort } from '../../src/dev/local-host';
import slugid from 'slugid';
import { startApiHarness, type ApiHarness } from '../support/api-harness';

jest.setTimeout(60_000);

let h: ApiHarness;

beforeAll(async () => {
  // A write limit of 1 per minute: if monitoring paths were limited, the second scrape would fail.
  h = await startApiHarness({ RATE_LIMIT_WRITES_PER_MINUTE: '1' });
});

afterAll(async () => {
  await h?.stop();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function requestLines(): Array<Record<string, unknown>> {
  return h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
}

test('/healthz and /readyz answer without authentication', async () => {
  const live = await fetch(`${h.url}/healthz`);
  expect(live.status).toBe(200);
  expect(await live.json()).toEqual({ alive: true });
  const ready = await fetch(`${h.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ ready: true, checks: [{ name: 'database', ok: true }] });
  expect(ready.headers.get('cache-control')).toBe('no-store');
});

test('/readyz is 503 when the database cannot be reached, and says only that', async () => {
  const unreachable: PrismaClient = createPrisma(`postgresql://nobody:secret-password@127.0.0.1:${await freePort()}/none`);
  const services = buildServices(h.config, unreachable, h.env.logger, { workflows: h.env.workflows, ec2: h.env.ec2 });
  const api: RunningApi = await startApiServer(services, 0, '127.0.0.1');
  try {
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(503);
    const text = await ready.text();
    expect(JSON.parse(text)).toEqual({ ready: false, checks: [{ name: 'database', ok: false, reason: 'the database is unreachable' }] });
    expect(text).not.toMatch(/secret-password|ECONNREFUSED|127\.0\.0\.1/);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  } finally {
    await api.close();
    await unreachable.$disconnect();
  }
});

test('/metrics counts requests by route name and status, never by URL', async () => {
  const c = h.provisioner();
  await c.ping();
  await c.ping();
  // A worker type name in the URL must not become a label value.
  await expect(c.workerType('name-in-the-url')).rejects.toMatchObject({ statusCode: 404 });
  await fetch(`${h.url}/no/such/path-with-secret-looking-token`);
  const first = await fetch(`${h.url}/metrics`);
  const second = await fetch(`${h.url}/metrics`);
  expect([first.status, second.status]).toEqual([200, 200]);
  expect(first.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await second.text();
  expect(text).toContain('# HELP provisioner_api_requests_total API requests, by route name and status');
  expect(text).toMatch(/^provisioner_api_requests_total\{route="ping",method="GET",status="200"\} 2$/m);
  expect(text).toMatch(/^provisioner_api_requests_total\{route="workerType",method="GET",status="404"\} 1$/m);
  expect(text).toMatch(/^provisioner_api_requests_total\{route="unmatched",method="GET",status="404"\} 1$/m);
  expect(text).toMatch(/^provisioner_api_requests_total\{route="metrics",method="GET",status="200"\} 1$/m);
  expect(text).toMatch(/^provisioner_api_request_duration_seconds_count\{route="ping",method="GET"\} 2$/m);
  expect(text).not.toContain('name-in-the-url');
  expect(text).not.toContain('secret-looking-token');
});

test('every response carries a request id, which the request log line carries too', async () => {
  const generated = await fetch(`${h.url}/v1/ping`);
  const id = generated.headers.get('x-request-id');
  expect(id).toMatch(UUID);
  // Errors carry it as well.
  const missing = await fetch(`${h.url}/v1/worker-type/unknown-one`);
  expect(missing.status).toBe(404);
  expect(missing.headers.get('x-request-id')).toMatch(UUID);
  expect(missing.headers.get('x-request-id')).not.toBe(id);
  const lines = requestLines();
  expect(lines.find((l) => l.requestId === id)).toMatchObject({ route: 'ping', status: 200, method: 'GET' });
  expect(lines.every((l) => typeof l.requestId === 'string' && l.requestId !== '')).toBe(true);
});

test('a short, plain incoming X-Request-Id is kept; anything else is replaced', async () => {
  const kept = await fetch(`${h.url}/v1/ping`, { headers: { 'X-Request-Id': 'lb-7f3a.c9_01' } });
  expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.c9_01');
  expect(requestLines().some((l) => l.requestId === 'lb-7f3a.c9_01')).toBe(true);
  for (const unsafe of ['x'.repeat(65), 'has space', 'quote"d', '{"json":1}', '../../etc', 'id%0d%0aSet-Cookie:a']) {
    const replaced = await fetch(`${h.url}/v1/ping`, { headers: { 'X-Request-Id': unsafe } });
    expect(replaced.headers.get('x-request-id')).toMatch(UUID);
  }
  expect(JSON.stringify(requestLines())).not.toContain('x'.repeat(65));
});

test('the request line holds only its safe fields: a token in the URL never reaches it', async () => {
  const token = slugid.nice();
  const res = await fetch(`${h.url}/v1/secret/${token}`, { method: 'DELETE' });
  expect(res.status).toBe(204);
  const line = requestLines().find((l) => l.route === 'removeSecret');
  expect(line).toBeDefined();
  expect(Object.keys(line!).sort()).toEqual(['level', 'method', 'ms', 'msg', 'requestId', 'route', 'status', 'time']);
  expect(h.logs.join('\n')).not.toContain(token);
});
