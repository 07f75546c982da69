import { startLocalQueueServer, type LocalQueueServer } from '../../src/queue/local-queue-server';

describe('the local Queue server', () => {
  let queue: LocalQueueServer;
  beforeAll(async () => {
    queue = await startLocalQueueServer();
  });
  afterAll(() => queue.stop());

  const put = (path: string, body: string) =>
    fetch(`${queue.url}${path}`, { method: 'PUT', body, headers: { 'content-type': 'application/json' } });

  it('serves a root URL and an old-style base URL', () => {
    expect(queue.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(queue.baseUrl).toBe(`${queue.url}/api/queue/v1`);
  });

  it('answers ping under both prefixes', async () => {
    for (const prefix of ['/api/queue/v1', '/v1']) {
      const res = await fetch(`${queue.url}${prefix}/ping`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ alive: true, uptime: expect.any(Number) });
    }
  });

  it('answers 0 for a worker type nobody set, and what setPending set', async () => {
    const res = await fetch(`${queue.baseUrl}/pending/prov/fresh`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ provisionerId: 'prov', workerType: 'fresh', pendingTasks: 0 });
    queue.setPending('prov', 'fresh', 4);
    expect(await (await fetch(`${queue.url}/v1/pending/prov/fresh`)).json()).toMatchObject({ pendingTasks: 4 });
  });

  it('sets a count with PUT, under either prefix, whatever the content type', async () => {
    const res = await put('/v1/pending/prov/by-put', '{"pendingTasks": 12}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ provisionerId: 'prov', workerType: 'by-put', pendingTasks: 12 });
    // curl -d sends application/x-www-form-urlencoded unless told otherwise
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await fetch(`${queue.baseUrl}/pending/prov/by-put`, { method: 'PUT', body: '{"pendingTasks":0}', headers: form });
    expect(await (await fetch(`${queue.baseUrl}/pending/prov/by-put`)).json()).toMatchObject({ pendingTasks: 0 });
  });

  it.each([
    ['not JSON', 'five', /not JSON/],
    ['an empty body', '', /not JSON/],
    ['an array', '[3]', /not an object/],
    ['a bare number', '3', /not an object/],
    ['no count', '{}', /missing/],
    ['a string count', '{"pendingTasks":"3"}', /missing or not/],
    ['a negative count', '{"pendingTasks":-1}', /missing or not/],
    ['a fractional count', '{"pendingTasks":2.5}', /missing or not/],
    ['an infinite count', '{"pendingTasks":1e400}', /missing or not/],
    ['an extra field', '{"pendingTasks":1,"x":2}', /unexpected field x/],
    ['a huge body', JSON.stringify({ pendingTasks: 1, pad: 'x'.repeat(5000) }), /larger than/],
  ])('rejects a PUT with %s (400) and keeps the old count', async (_name, body, message) => {
    queue.setPending('prov', 'strict', 3);
    const res = await put('/api/queue/v1/pending/prov/strict', body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { code: string; message: string };
    expect(answer.code).toBe('InputValidationError');
    expect(answer.message).toMatch(message);
    expect(await (await fetch(`${queue.baseUrl}/pending/prov/strict`)).json()).toMatchObject({ pendingTasks: 3 });
  });

  const badPaths = ['/pending/prov/has%20space', `/pending/prov/${'x'.repeat(39)}`, '/pending/prov%2Fx/w', '/pending/%E0%A4%A/w'];
  it.each(badPaths)(
    'rejects invalid identifiers in %s with 400',
    async (path) => {
      const res = await fetch(`${queue.baseUrl}${path}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'InvalidRequestArguments' });
    },
  );

  it.each(['/', '/api/queue/v1', '/api/queue/v1/pending/p', '/api/queue/v1/pending/p/w/x', '/v2/pending/p/w', '/v1/task/abc'])(
    'answers 404 for %s',
    async (path) => {
      const res = await fetch(`${queue.url}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'ResourceNotFound' });
    },
  );

  it('answers 405 for other methods', async () => {
    expect((await fetch(`${queue.baseUrl}/pending/p/w`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${queue.baseUrl}/ping`, { method: 'PUT', body: '{}' })).status).toBe(405);
  });

  it('refuses invalid values in setPending', () => {
    expect(() => queue.setPending('p', 'w', -1)).toThrow(TypeError);
    expect(() => queue.setPending('p', 'w', 0.5)).toThrow(TypeError);
    expect(() => queue.setPending('p', 'a/b', 1)).toThrow(TypeError);
  });

  it('stops, refusing later connections', async () => {
    const other = await startLocalQueueServer();
    await fetch(`${other.baseUrl}/ping`); // leaves a keep-alive connection open
    await other.stop();
    await expect(fetch(`${other.baseUrl}/ping`)).rejects.toThrow();
  });
});
