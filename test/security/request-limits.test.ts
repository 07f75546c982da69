// Request limits: an endless chunked body is cut off, writes are rate limited per client
// across replicas, and list routes return at most their documented cap.
import net from 'node:net';
import { loadConfig } from '../../src/config';
import { MAX_BODY_BYTES } from '../../src/api/body';
import { MAX_LIST_ITEMS } from '../../src/api/schemas/common';
import slugid from 'slugid';
import { amiSetBody, workerTypeDefinition } from '../support/fixtures';
import { ROOT_TOKEN, SECRETS_KEY, startApiHarness, type ApiHarness } from '../support/api-harness';
import { createClient, hawkHeader, signedRaw, startReplica, type Credentials, type Replica } from './support';

const taskcluster = require('taskcluster-client');
const WRITES_PER_MINUTE = 5;
let h: ApiHarness;
let replica: Replica;

beforeAll(async () => {
  h = await startApiHarness({ RATE_LIMIT_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE) });
  replica = await startReplica(h, { listLimit: 2 });
});
afterAll(async () => {
  await replica?.stop();
  await h?.stop();
});

interface Cut { answer: string; sentBeforeAnswer: number; closedByServer: boolean; closedAfterAnswerMs: number }

/**
 * Opens a keep-alive connection and sends an authenticated PUT with a chunked body
 * (`chunkKiB` every `everyMs`) that never ends: once the answer arrives the client stops
 * sending but leaves the body open, so a server that waits for the body's end keeps the
 * connection. Reports the raw answer, how much was sent before it, and whether and when
 * the server closed the connection (the client gives up after 10 s).
 */
function endlessBody(credentials: Credentials, chunkKiB: number, everyMs: number): Promise<Cut> {
  const { hostname, port } = new URL(h.url);
  const path = '/v1/ami-set/endless';
  const authorization = hawkHeader({ method: 'PUT', host: hostname, port: Number(port), path, credentials });
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let sent = 0;
    let answer = '';
    let sentBeforeAnswer = -1;
    let answeredAt = 0;
    const chunk = Buffer.alloc(chunkKiB * 1024, 0x20);
    const send = (data: string | Buffer) => { if (!socket.destroyed && socket.writable) { socket.write(data); sent += data.length; } };
    send(`PUT ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: ${authorization}\r\n`
      + 'Content-Type: application/json\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n');
    const timer = setInterval(() => send(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])), everyMs);
    const finish = (closedByServer: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ answer, sentBeforeAnswer, closedByServer, closedAfterAnswerMs: Date.now() - answeredAt });
    };
    const giveUp = setTimeout(() => finish(false), 10_000);
    socket.on('data', (data: Buffer) => {
      if (sentBeforeAnswer < 0) {
        sentBeforeAnswer = sent;
        answeredAt = Date.now();
        clearInterval(timer);
      }
      answer += data.toString('utf8');
    });
    socket.on('end', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

test.each([
  ['fast', 16, 5],
  ['slow', 64, 100],
])('an endless %s chunked body is answered 413 after about 1 MiB and the connection is closed at once', async (name, chunkKiB, everyMs) => {
  const uploader = await createClient(h, `uploader-${name}`, ['aws-provisioner:manage-ami-set:*']);
  const cut = await endlessBody(uploader, chunkKiB, everyMs);
  expect(cut.answer).toMatch(/^HTTP\/1\.1 413 /);
  expect(cut.answer).toContain('"code":"PayloadTooLarge"');
  expect(cut.sentBeforeAnswer).toBeGreaterThan(MAX_BODY_BYTES);
  expect(cut.sentBeforeAnswer).toBeLessThan(8 * MAX_BODY_BYTES);
  expect(cut.closedByServer).toBe(true);
  expect(cut.closedAfterAnswerMs).toBeLessThan(1000);
  expect(await h.db.amiSet.count()).toBe(0);
});

describe('write rate limit per client', () => {
  let writer: Credentials;
  let other: Credentials;
  beforeAll(async () => {
    // Windows start on the minute: start well inside one, so these tests share it.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
    writer = await createClient(h, 'busy-writer', ['aws-provisioner:manage-ami-set:*']);
    other = await createClient(h, 'quiet-writer', ['aws-provisioner:manage-ami-set:*']);
  });
  const remove = (baseUrl: string, who: Credentials, clockOffsetMs = 0) =>
    signedRaw(baseUrl, { method: 'DELETE', path: '/v1/ami-set/absent' }, who, clockOffsetMs);

  test('beyond the limit a client gets 429 with Retry-After, on every replica, and nothing is stored', async () => {
    for (let i = 0; i < WRITES_PER_MINUTE; i++) expect((await remove(h.url, writer)).status).toBe(204);
    const limited = await signedRaw(h.url, { method: 'PUT', path: '/v1/ami-set/limited', body: JSON.stringify(amiSetBody()) }, writer);
    expect(limited).toMatchObject({ status: 429, body: { code: 'TooManyRequests' } });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(await h.db.amiSet.findUnique({ where: { id: 'limited' } })).toBeNull();
    expect((await remove(replica.url, writer)).status).toBe(429);
  });

  test('other clients and anonymous routes are not limited by it', async () => {
    expect((await remove(h.url, other)).status).toBe(204);
    const anonymous = h.provisioner(null);
    for (let i = 0; i < 3 * WRITES_PER_MINUTE; i++) {
      await expect(anonymous.instanceStarted('i-0123abcd', slugid.nice())).rejects.toMatchObject({ statusCode: 404 });
      await expect(anonymous.removeSecret(slugid.nice())).resolves.toBeUndefined();
    }
  });

  test('failed authentication does not count against the client', async () => {
    const forged = { ...other, accessToken: `${other.accessToken}x` };
    for (let i = 0; i < 2 * WRITES_PER_MINUTE; i++) expect((await remove(h.url, forged)).status).toBe(401);
    expect((await remove(h.url, other)).status).toBe(204);
  });

  test('the next window lets the client write again', async () => {
    expect((await remove(h.url, writer)).status).toBe(429);
    h.advanceClock(60_000);
    try {
      expect((await remove(h.url, writer, 60_000)).status).toBe(204);
    } finally {
      h.advanceClock(-60_000);
    }
  });

  test('the API document lists the 429 on authenticated writes only', async () => {
    const doc = await (await fetch(`${h.url}/v1/openapi.json`)).json() as { paths: Record<string, Record<string, { responses: object }>> };
    expect(doc.paths['/ami-set/{id}']!.put!.responses).toHaveProperty('429');
    expect(doc.paths['/worker-type/{workerType}']!.delete!.responses).toHaveProperty('429');
    expect(doc.paths['/ami-set/{id}']!.get!.responses).not.toHaveProperty('429');
    expect(doc.paths['/secret/{token}']!.delete!.responses).not.toHaveProperty('429');
  });

  test('RATE_LIMIT_WRITES_PER_MINUTE defaults to 600 and must be a positive integer', () => {
    const base = { DATABASE_URL: 'postgresql://u:p@localhost/db', ROOT_ACCESS_TOKEN: ROOT_TOKEN, SECRETS_KEY };
    expect(loadConfig(base, 'cli').rateLimitWritesPerMinute).toBe(600);
    expect(h.config.rateLimitWritesPerMinute).toBe(WRITES_PER_MINUTE);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => loadConfig({ ...base, RATE_LIMIT_WRITES_PER_MINUTE: bad }, 'cli')).toThrow(/RATE_LIMIT_WRITES_PER_MINUTE/);
    }
  });
});

describe('list routes return at most their cap', () => {
  beforeAll(async () => {
    // Straight into the repositories: the cap is about listing, not about EC2 checks.
    for (const name of ['list-c', 'list-a', 'list-b']) {
      await h.services.workerTypes.create(name, workerTypeDefinition() as never, new Date());
      await h.services.amiSets.create(name, amiSetBody().amis, new Date());
    }
  });
  const anonymous = (baseUrl: string) => new taskcluster.AwsProvisioner({ baseUrl: `${baseUrl}/v1`, retries: 0 });

  test('a replica with a cap of 2 returns the first 2 in name order; the default cap returns all', async () => {
    const capped = anonymous(replica.url);
    expect(await capped.listWorkerTypes()).toEqual(['list-a', 'list-b']);
    expect((await capped.listWorkerTypeSummaries()).map((s: { workerType: string }) => s.workerType)).toEqual(['list-a', 'list-b']);
    expect(await capped.listAmiSets()).toEqual(['list-a', 'list-b']);
    const full = h.provisioner(null);
    expect(await full.listWorkerTypes()).toEqual(['list-a', 'list-b', 'list-c']);
    expect(await full.listWorkerTypeSummaries()).toHaveLength(3);
    expect(await full.listAmiSets()).toEqual(['list-a', 'list-b', 'list-c']);
  });

  test('the cap is stated in the OpenAPI document, in words and as maxItems', async () => {
    const doc = await (await fetch(`${h.url}/v1/openapi.json`)).json() as { paths: Record<string, { get: { description: string; responses: { 200: { content: { 'application/json': { schema: { maxItems: number } } } } } } }> };
    for (const path of ['/list-worker-types', '/list-worker-type-summaries', '/list-ami-sets']) {
      const get = doc.paths[path]!.get;
      expect(get.description).toContain(`at most the first ${MAX_LIST_ITEMS}`);
      expect(get.responses[200].content['application/json'].schema.maxItems).toBe(MAX_LIST_ITEMS);
    }
    expect(MAX_LIST_ITEMS).toBe(10000);
  });
});
