// The HTTP server under connection pressure and at shutdown: connections beyond the cap are
// refused while the server keeps answering, and close() stops accepting at once but lets a
// request in flight finish. Each test runs its own server over the harness's services.
import net from 'node:net';
import { startApiServer, type RunningApi } from '../../src/api/server';
import {
  HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS, REQUEST_TIMEOUT_MS, SHUTDOWN_GRACE_MS,
} from '../../src/api/http-server';
import { amiSetBody } from '../support/fixtures';
import { eventually } from '../support/eventually';
import { ROOT_TOKEN, startApiHarness, type ApiHarness } from '../support/api-harness';
import { hawkHeader } from './support';

let h: ApiHarness;
const servers: RunningApi[] = [];
const sockets: net.Socket[] = [];
beforeAll(async () => { h = await startApiHarness(); });
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => { await h?.stop(); });

async function start(limits: Parameters<typeof startApiServer>[3] = {}): Promise<{ api: RunningApi; port: number }> {
  const api = await startApiServer(h.services, 0, '127.0.0.1', limits);
  servers.push(api);
  return { api, port: Number(new URL(api.url).port) };
}

interface Conn { socket: net.Socket; received: () => string; closed: Promise<void>; connected: Promise<void> }

/** A raw connection that records what the server sends and when it closes. */
function connect(port: number): Conn {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  let text = '';
  socket.on('data', (d: Buffer) => { text += d.toString('utf8'); });
  socket.on('error', () => undefined);
  return {
    socket,
    received: () => text,
    closed: new Promise((resolve) => socket.on('close', () => resolve())),
    connected: new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); }),
  };
}

/** `count` connections, opened a listen backlog's worth at a time so that none waits for a SYN retry. */
async function connectInBatches(port: number, count: number): Promise<Conn[]> {
  const opened: Conn[] = [];
  while (opened.length < count) {
    const batch = Array.from({ length: Math.min(256, count - opened.length) }, () => connect(port));
    await Promise.all(batch.map((c) => c.connected));
    opened.push(...batch);
  }
  return opened;
}

const within = <T>(ms: number, what: string, p: Promise<T>) => Promise.race([
  p, new Promise<never>((_r, reject) => setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms)),
]);
const connections = (api: RunningApi) => new Promise<number>((resolve, reject) =>
  api.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
const ping = async (api: RunningApi) => (await fetch(`${api.url}/v1/ping`)).status;

test('the defaults: a cap of 2048 connections and explicit timeouts', async () => {
  const { api } = await start();
  expect(MAX_CONNECTIONS).toBe(2048);
  expect(api.server.maxConnections).toBe(MAX_CONNECTIONS);
  expect(api.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
  expect(api.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
  expect(api.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
  expect(SHUTDOWN_GRACE_MS).toBeLessThan(30_000);
});

// The default row is the dev process's case: thousands of idle connections, the cap as shipped.
test.each([
  { what: 'a cap of 5, 15 more', cap: 5, extra: 15 },
  { what: `the default cap of ${MAX_CONNECTIONS}, 3,000 connections in all`, cap: MAX_CONNECTIONS, extra: 3_000 - MAX_CONNECTIONS },
])('idle connections beyond the cap are closed at once, and the server keeps answering ($what)', async ({ cap, extra }) => {
  const logsBefore = h.logs.length;
  const { api } = await start(cap === MAX_CONNECTIONS ? {} : { maxConnections: cap });
  const port = Number(new URL(api.url).port);
  const held = await connectInBatches(port, cap);
  await eventually(async () => (await connections(api)) === cap, 'the held connections to be accepted', 10_000, 20);
  const excess = await connectInBatches(port, extra);
  await within(10_000, 'the excess connections to be closed', Promise.all(excess.map((c) => c.closed)));
  expect(excess.map((c) => c.received())).toEqual(excess.map(() => ''));
  expect(held.every((c) => !c.socket.destroyed)).toBe(true);
  expect(h.logs.slice(logsBefore).some((l) => l.includes('the connection cap is reached'))).toBe(true);
  // One slot freed: a request gets through again.
  held[0]!.socket.destroy();
  await eventually(async () => (await connections(api)) < cap, 'the freed slot', 5_000, 20);
  expect(await ping(api)).toBe(200);
});

/** Sends a signed PUT whose body stops halfway; `finish` sends the rest. */
async function slowPut(port: number, id: string) {
  const path = `/v1/ami-set/${id}`;
  const body = JSON.stringify(amiSetBody());
  const authorization = hawkHeader({ method: 'PUT', host: '127.0.0.1', port, path, credentials: { clientId: 'root', accessToken: ROOT_TOKEN } });
  const conn = connect(port);
  await conn.connected;
  conn.socket.write(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${authorization}\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 20)}`);
  return { conn, finish: () => conn.socket.write(body.slice(20)) };
}

test('close() refuses new connections at once, lets a request in flight finish with 200, then resolves', async () => {
  const { api, port } = await start();
  const idleKeepAlive = connect(port);
  await idleKeepAlive.connected;
  idleKeepAlive.socket.write(`GET /v1/ping HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  await eventually(async () => idleKeepAlive.received().includes('\r\n\r\n'), 'the keep-alive ping', 5_000, 20);
  const silent = connect(port);
  await silent.connected;
  const slow = await slowPut(port, 'in-flight');
  await new Promise((resolve) => setTimeout(resolve, 300));

  let closed = false;
  const closing = api.close().then(() => { closed = true; });
  await expect(connect(port).connected).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  // Connections with nothing in flight do not hold the shutdown.
  await within(2_000, 'idle connections to be closed', Promise.all([idleKeepAlive.closed, silent.closed]));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(closed).toBe(false);

  slow.finish();
  await within(5_000, 'the in-flight response', slow.conn.closed);
  expect(slow.conn.received()).toMatch(/^HTTP\/1\.1 200 /);
  expect(slow.conn.received()).toMatch(/\r\nconnection: close\r\n/i);
  await within(5_000, 'close()', closing);
  expect(await h.db.amiSet.findUnique({ where: { id: 'in-flight' } })).not.toBeNull();
});

test('a request still unfinished after the grace period is cut, and close() resolves', async () => {
  const { api, port } = await start({ shutdownGraceMs: 500 });
  const stuck = await slowPut(port, 'never-finished');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  await within(5_000, 'close()', api.close());
  expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  await within(1_000, 'the cut connection', stuck.conn.closed);
  expect(stuck.conn.received()).toBe('');
  expect(await h.db.amiSet.findUnique({ where: { id: 'never-finished' } })).toBeNull();
});
