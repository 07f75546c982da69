// Requests at the edges of what the API document allows, each of which the schemathesis
// fuzz (test/fuzz) once found answered with a 500 or against RFC 9110.
import http from 'node:http';
import { MAX_BODY_DEPTH } from '../../src/api/body';
import slugid from 'slugid';
import { workerTypeDefinition } from '../support/fixtures';
import { signedRequest } from '../support/signed-request';
import { ROOT_TOKEN, failure, startApiHarness, type ApiHarness } from '../support/api-harness';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

const root = { clientId: 'root', accessToken: ROOT_TOKEN };
const secretBody = (token: string, expiration: string, secrets: Record<string, unknown> = {}) =>
  ({ workerType: 'wt-edges', secrets, scopes: [], token, expiration });

/** Any method, fetch refuses some (TRACE). */
function rawRequest(method: string, path: string): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${h.url}${path}`, { method }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a secret expiring at a leap second is stored and readable', async () => {
  const token = slugid.nice();
  await expect(h.provisioner().createSecret(token, secretBody(token, '2999-12-31T23:59:60Z', { a: 1 }))).resolves.toEqual({ outcome: 'success' });
  await expect(h.provisioner(null).getSecret(token)).resolves.toMatchObject({ data: { a: 1 } });
});

test('a secret expiring in year 0000 is accepted, and expired', async () => {
  const token = slugid.nice();
  await expect(h.provisioner().createSecret(token, secretBody(token, '0000-01-01t00:00:00z'))).resolves.toEqual({ outcome: 'success' });
  expect(await failure(h.provisioner(null).getSecret(token))).toMatchObject({ status: 404 });
});

test('U+0000 anywhere in a body is a 400 naming the field, not a database error', async () => {
  const def = workerTypeDefinition({ userData: { note: 'a\u0000b' } });
  expect(await failure(h.provisioner().createWorkerType('wt-nul', def)))
    .toMatchObject({ status: 400, code: 'InputError', message: 'body/userData/note: must not contain U+0000' });
  expect(await failure(h.provisioner().createWorkerType('wt-nul', workerTypeDefinition({ description: '\u0000' }))))
    .toMatchObject({ status: 400, message: 'body/description: must not contain U+0000' });
  const token = slugid.nice();
  expect(await failure(h.provisioner().createSecret(token, secretBody(token, '2999-01-01T00:00:00Z', { ['k\u0000']: 1 }))))
    .toMatchObject({ status: 400, message: 'body/secrets: object keys must not contain U+0000' });
});

test('a body nested deeper than the limit is a 400, however deep', async () => {
  const depth = 100_000;
  const deep = `{"userData": {"x": ${'['.repeat(depth)}${']'.repeat(depth)}}}`;
  const res = await signedRequest(`${h.url}/v1/worker-type/wt-deep`, 'PUT', deep, root);
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code: 'InputError', message: expect.stringMatching(`nested deeper than ${MAX_BODY_DEPTH} levels$`) });
});

test('a method a path does not have is a 405 with Allow; OPTIONS lists them; unknown paths stay 404', async () => {
  for (const method of ['PATCH', 'TRACE', 'POST']) {
    const res = await rawRequest(method, '/v1/worker-type/wt-1');
    expect({ method, status: res.status, allow: res.allow }).toEqual({ method, status: 405, allow: 'PUT, HEAD, GET, DELETE' });
    expect(JSON.parse(res.body)).toMatchObject({ code: 'MethodNotAllowed' });
  }
  expect(await rawRequest('OPTIONS', '/v1/ping')).toMatchObject({ status: 204, allow: 'HEAD, GET' });
  expect(await rawRequest('TRACE', '/v1/no-such-method')).toMatchObject({ status: 404, allow: undefined });
});
