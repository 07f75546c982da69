import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createQueueClient, queueBaseUrl, QueueUnavailableError } from '../../src/queue/queue-client';
import { startLocalQueueServer, type LocalQueueServer } from '../../src/queue/local-queue-server';

describe('queueBaseUrl', () => {
  it.each([
    [{ rootUrl: 'https://tc.example.com' }, 'https://tc.example.com/api/queue/v1'],
    [{ rootUrl: 'https://tc.example.com/' }, 'https://tc.example.com/api/queue/v1'],
    [{ rootUrl: 'https://taskcluster.net' }, 'https://queue.taskcluster.net/v1'],
    [{ baseUrl: 'https://queue.taskcluster.net/v1' }, 'https://queue.taskcluster.net/v1'],
    [{ baseUrl: 'http://127.0.0.1:8080/v1/' }, 'http://127.0.0.1:8080/v1'],
  ])('%j -> %s', (opts, expected) => {
    expect(queueBaseUrl(opts)).toBe(expected);
  });

  it.each([{}, { rootUrl: 'https://a', baseUrl: 'https://b/v1' }, { rootUrl: 'not a url' }, { baseUrl: 'ftp://x/v1' }])(
    'rejects %j',
    (opts) => {
      expect(() => queueBaseUrl(opts)).toThrow();
    },
  );
});

describe('pendingTasks against the local Queue server', () => {
  let queue: LocalQueueServer;
  beforeAll(async () => {
    queue = await startLocalQueueServer();
  });
  afterAll(() => queue.stop());

  it('reads counts through a root URL and through an old-style base URL', async () => {
    queue.setPending('aws-provisioner-v1', 'gecko-b-1', 7);
    for (const opts of [{ rootUrl: queue.url }, { baseUrl: `${queue.url}/v1` }]) {
      await expect(createQueueClient(opts).pendingTasks('aws-provisioner-v1', 'gecko-b-1')).resolves.toBe(7);
    }
  });

  it('answers 0 for a worker type nobody set', async () => {
    await expect(createQueueClient({ baseUrl: queue.baseUrl }).pendingTasks('p', 'never-set')).resolves.toBe(0);
  });

  it.each([['', 'w'], ['p', 'a/b'], ['p', 'x'.repeat(39)], ['p*', 'w']])('refuses identifiers %j %j', async (p, w) => {
    await expect(createQueueClient({ rootUrl: queue.url }).pendingTasks(p, w)).rejects.toThrow(TypeError);
  });
});

describe('pendingTasks when the Queue misbehaves', () => {
  let answer: (res: http.ServerResponse) => void;
  let server: http.Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const reply = (status: number, body: string) => (res: http.ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
  const json = (body: unknown) => reply(200, JSON.stringify(body));
  const ok = { provisionerId: 'p', workerType: 'w' };

  async function failure(timeoutMs = 2000): Promise<QueueUnavailableError> {
    const err = await createQueueClient({ baseUrl, timeoutMs }).pendingTasks('p', 'w').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueUnavailableError);
    return err as QueueUnavailableError;
  }

  it('accepts a well-formed answer with extra fields', async () => {
    answer = json({ ...ok, pendingTasks: 3, extra: true });
    await expect(createQueueClient({ baseUrl }).pendingTasks('p', 'w')).resolves.toBe(3);
  });

  it.each([
    ['a 500', reply(500, '{"code":"InternalServerError","message":"boom"}'), /HTTP 500 InternalServerError/],
    ['a 404', reply(404, 'not found'), /HTTP 404$/],
    ['HTML', reply(200, '<html>maintenance</html>'), /not JSON/],
    ['an empty body', reply(200, ''), /not JSON/],
    ['an array', json([1]), /not a JSON object/],
    ['null', json(null), /not a JSON object/],
    ['a bare number', json(5), /not a JSON object/],
    ['no count', json(ok), /non-negative integer/],
    ['a string count', json({ ...ok, pendingTasks: '5' }), /non-negative integer/],
    ['a negative count', json({ ...ok, pendingTasks: -1 }), /non-negative integer/],
    ['a fractional count', json({ ...ok, pendingTasks: 1.5 }), /non-negative integer/],
    ['an infinite count', reply(200, '{"provisionerId":"p","workerType":"w","pendingTasks":1e400}'), /non-negative integer/],
    ['another worker type', json({ ...ok, workerType: 'other', pendingTasks: 1 }), /another worker type/],
    ['a huge body', reply(200, JSON.stringify({ ...ok, pendingTasks: 1, pad: 'x'.repeat(100_000) })), /too large/],
  ])('throws QueueUnavailableError for %s', async (_name, respond, reason) => {
    answer = respond;
    expect((await failure()).reason).toMatch(reason);
  });

  it('keeps the HTTP status of an error answer', async () => {
    answer = reply(503, '{}');
    expect((await failure()).status).toBe(503);
  });

  it('times out when the Queue does not answer', async () => {
    answer = () => undefined; // never responds
    const started = Date.now();
    expect((await failure(300)).reason).toBe('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out when the body stalls', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"provisionerId":');
    };
    expect((await failure(300)).reason).toBe('no answer within 300 ms');
  });

  it('reports a refused connection', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = createQueueClient({ rootUrl: `http://127.0.0.1:${port}` });
    const err = await client.pendingTasks('p', 'w').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueUnavailableError);
    expect((err as QueueUnavailableError).reason).toBe('request failed: ECONNREFUSED');
  });
});
