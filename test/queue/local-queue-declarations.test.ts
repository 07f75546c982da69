// declareWorkerType between the real Queue client (signing with Hawk as taskcluster-client does)
// and the local Queue server, which checks the body, the signature and the scopes as the
// real Queue does (update-workertype-request.json, queue:declare-worker-type:<p>/<w>#<property>).
import * as hawk from 'hawk';
import { createQueueClient, QueueUnavailableError } from '../../src/queue/queue-client';
import { startLocalQueueServer, type LocalQueueServer } from '../../src/queue/local-queue-server';

const P = 'prov-1';
const provisioner = { clientId: 'provisioner', accessToken: 'provisioner-token-0123456789', scopes: [`queue:declare-worker-type:${P}/*`] };
const narrow = { clientId: 'narrow', accessToken: 'narrow-token-0123456789', scopes: [`queue:declare-worker-type:${P}/one#description`] };
const body = { stability: 'experimental' as const, description: 'Builds\n\nOwner: me@example.com', expires: '2030-01-01T00:00:00.000Z' };

let queue: LocalQueueServer;
beforeAll(async () => { queue = await startLocalQueueServer({ clients: [provisioner, narrow] }); });
afterAll(() => queue.stop());

const client = (credentials?: { clientId: string; accessToken: string }) => createQueueClient({ rootUrl: queue.url, credentials });
const refusal = (call: Promise<unknown>) => call.then(() => { throw new Error('expected a refusal'); }, (err: unknown) => err as QueueUnavailableError);

/** A PUT signed by `who`, with any body. */
async function signedPut(workerType: string, text: string, who = provisioner): Promise<{ status: number; body: { code?: string; message?: string } }> {
  const url = `${queue.baseUrl}/provisioners/${P}/worker-types/${workerType}`;
  const { header } = hawk.client.header(url, 'PUT', { credentials: { id: who.clientId, key: who.accessToken, algorithm: 'sha256' } });
  const res = await fetch(url, { method: 'PUT', body: text, headers: { authorization: header, 'content-type': 'application/json' } });
  return { status: res.status, body: await res.json() as { code?: string; message?: string } };
}

test('a signed declaration is recorded and answered in the Queue format, under both prefixes', async () => {
  await client(provisioner).declareWorkerType(P, 'builder', body);
  const expected = {
    provisionerId: P, workerType: 'builder', taskQueueId: `${P}/builder`, ...body,
    lastDateActive: expect.stringMatching(/^\d{4}-/), actions: [],
  };
  expect(queue.declarations()).toContainEqual(expected);
  for (const base of [queue.baseUrl, `${queue.url}/v1`]) {
    expect(await (await fetch(`${base}/provisioners/${P}/worker-types/builder`)).json()).toEqual(expected);
  }
  await client(provisioner).declareWorkerType(P, 'builder', { ...body, description: 'changed' });
  expect(queue.declarations().filter((d) => d.workerType === 'builder').map((d) => d.description)).toEqual(['changed']);
});

test('an undeclared worker type is a 404', async () => {
  const res = await fetch(`${queue.baseUrl}/provisioners/${P}/worker-types/never`);
  expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([404, 'ResourceNotFound']);
});

test.each([
  ['an unknown client', { clientId: 'stranger', accessToken: 'whatever-token-0123456789' }, 401],
  ['a wrong access token', { clientId: provisioner.clientId, accessToken: 'wrong-token-0123456789' }, 401],
  ['a client without the scope for every property sent', narrow, 403],
])('%s is refused (%p), of kind permission, and nothing is recorded', async (_name, credentials, status) => {
  const err = await refusal(client(credentials).declareWorkerType(P, 'one', body));
  expect(err).toBeInstanceOf(QueueUnavailableError);
  expect({ status: err.status, kind: err.kind }).toEqual({ status, kind: 'permission' });
  expect(queue.declarations().find((d) => d.workerType === 'one')).toBeUndefined();
});

test('the scope is per property: a client holding only #description may declare just that', async () => {
  const res = await signedPut('one', JSON.stringify({ description: 'only this' }), narrow);
  expect(res.status).toBe(200);
  expect(queue.declarations().find((d) => d.workerType === 'one')).toMatchObject({ description: 'only this' });
});

test('an unsigned declaration is a 403, and a client without credentials refuses to send one', async () => {
  const res = await fetch(`${queue.baseUrl}/provisioners/${P}/worker-types/anon`, { method: 'PUT', body: JSON.stringify(body) });
  expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([403, 'InsufficientScopes']);
  const err = await refusal(client().declareWorkerType(P, 'anon', body));
  expect({ kind: err.kind, message: err.message }).toEqual({ kind: 'permission', message: expect.stringContaining('no TaskCluster credentials') });
});

test.each([
  ['an extra property', { ...body, owner: 'me' }, /additional property owner/],
  ['an unknown stability', { ...body, stability: 'beta' }, /stability must be one of/],
  ['a description that is not a string', { ...body, description: 3 }, /description must be a string/],
  ['an expires that is not a date-time', { ...body, expires: 'tomorrow' }, /expires must be a date-time/],
  ['an array', [body], /not an object/],
])('a body with %s is a 400 naming it', async (_name, bad, message) => {
  const res = await signedPut('bad-body', JSON.stringify(bad));
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ code: 'InputValidationError', message: expect.stringMatching(message) });
});

test('an injected outage answers 503 (transient) for the given number of calls, then declarations pass again', async () => {
  queue.failDeclarations(1);
  const err = await refusal(client(provisioner).declareWorkerType(P, 'flaky', body));
  expect({ status: err.status, kind: err.kind }).toEqual({ status: 503, kind: 'transient' });
  await expect(client(provisioner).declareWorkerType(P, 'flaky', body)).resolves.toBeUndefined();
});
