// Every route rejects malformed input with a clear 4xx naming the problem, and stores nothing.
import slugid from 'slugid';
import { amiSetBody, workerTypeDefinition } from '../support/fixtures';
import { ROOT_TOKEN, startApiHarness, type ApiHarness } from '../support/api-harness';
import { signedRequest } from '../support/signed-request';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

const root = { clientId: 'root', accessToken: ROOT_TOKEN };
const TOKEN = slugid.nice();
const secretBody = () => ({ workerType: 'wt', secrets: {}, scopes: [], token: TOKEN, expiration: new Date(Date.now() + 60_000).toISOString() });

interface BodyRoute { name: string; method: string; path: string; valid: () => Record<string, unknown>; field: string; wrongType: unknown }
const bodyRoutes: BodyRoute[] = [
  { name: 'createWorkerType', method: 'PUT', path: '/worker-type/wt', valid: workerTypeDefinition, field: 'maxCapacity', wrongType: 'twenty' },
  { name: 'updateWorkerType', method: 'POST', path: '/worker-type/wt/update', valid: workerTypeDefinition, field: 'regions', wrongType: {} },
  { name: 'createAmiSet', method: 'PUT', path: '/ami-set/set', valid: amiSetBody, field: 'amis', wrongType: 'ami-1' },
  { name: 'updateAmiSet', method: 'POST', path: '/ami-set/set/update', valid: amiSetBody, field: 'amis', wrongType: 7 },
  { name: 'createSecret', method: 'PUT', path: `/secret/${TOKEN}`, valid: secretBody, field: 'expiration', wrongType: 'tomorrow' },
];

async function nothingStored(): Promise<void> {
  expect(await h.db.workerType.count()).toBe(0);
  expect(await h.db.amiSet.count()).toBe(0);
  expect(await h.db.secret.count()).toBe(0);
}

const send = (r: BodyRoute, body: string | undefined, path = r.path) => signedRequest(`${h.url}/v1${path}`, r.method, body, root);

describe.each(bodyRoutes)('$name', (r) => {
  test('malformed JSON is a 400', async () => {
    const res = await send(r, '{"launchSpec": {');
    expect(res).toMatchObject({ status: 400, body: { code: 'MalformedJson', message: 'body: not valid JSON' } });
    await nothingStored();
  });

  test('a missing body is a 400', async () => {
    const res = await send(r, undefined);
    expect(res).toMatchObject({ status: 400, body: { message: 'body: a JSON object is required' } });
  });

  test('a wrong type is a 400 naming the field', async () => {
    const res = await send(r, JSON.stringify({ ...r.valid(), [r.field]: r.wrongType }));
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain(`body/${r.field}`);
    await nothingStored();
  });

  test('an unknown field is a 400 naming it', async () => {
    const res = await send(r, JSON.stringify({ ...r.valid(), surprise: true }));
    expect(res).toMatchObject({ status: 400, body: { code: 'InputError' } });
    expect((res.body as { message: string }).message).toContain('body/surprise: unknown field');
    await nothingStored();
  });

  test('a missing required field is a 400 naming it', async () => {
    const body = r.valid();
    delete body[r.field];
    const res = await send(r, JSON.stringify(body));
    expect((res.body as { message: string }).message).toContain(`body/${r.field}: required field is missing`);
    await nothingStored();
  });

  test('a body over 1 MiB is a 413', async () => {
    const res = await send(r, JSON.stringify({ ...r.valid(), padding: 'x'.repeat(1024 * 1024 + 10) }));
    expect(res).toMatchObject({ status: 413, body: { code: 'PayloadTooLarge' } });
    await nothingStored();
  });

  test('a body that is JSON but not an object is a 400', async () => {
    const res = await send(r, '[1,2,3]');
    expect(res.status).toBe(400);
    await nothingStored();
  });
});

const paramCases: Array<[string, string, string]> = [
  ['GET', '/worker-type/%s', 'workerType'],
  ['PUT', '/worker-type/%s', 'workerType'],
  ['POST', '/worker-type/%s/update', 'workerType'],
  ['DELETE', '/worker-type/%s', 'workerType'],
  ['GET', '/worker-type-last-modified/%s', 'workerType'],
  ['GET', '/worker-type/%s/launch-specifications', 'workerType'],
  ['GET', '/ami-set/%s', 'id'],
  ['PUT', '/ami-set/%s', 'id'],
  ['POST', '/ami-set/%s/update', 'id'],
  ['DELETE', '/ami-set/%s', 'id'],
  ['GET', '/secret/%s', 'token'],
  ['PUT', '/secret/%s', 'token'],
  ['DELETE', '/secret/%s', 'token'],
  ['GET', '/instance-started/i-0123abcd/%s', 'token'],
];
const badNames = ['x'.repeat(39), 'dots.are.bad', 'star*', 'a%2E%2Eb', 'sl%2Fash', '%C3%A9t%C3%A9', ' space'];

describe.each(paramCases)('%s %s', (method, template, param) => {
  test.each(badNames)('rejects the name "%s" with 400 naming the parameter', async (bad) => {
    const body = method === 'PUT' || method === 'POST' ? JSON.stringify({}) : undefined;
    const res = await signedRequest(`${h.url}/v1${template.replace('%s', bad)}`, method, body, root);
    expect(res.status).toBe(400);
    expect((res.body as { code: string; message: string })).toMatchObject({ code: 'InvalidRequestArguments' });
    expect((res.body as { message: string }).message).toContain(`${param}: must match`);
    await nothingStored();
  });
});

test('instanceStarted rejects a malformed instance id', async () => {
  const res = await signedRequest(`${h.url}/v1/instance-started/i-xyz/${TOKEN}`, 'GET', undefined, null);
  expect(res).toMatchObject({ status: 400, body: { code: 'InvalidRequestArguments' } });
});

test('unknown paths and methods get JSON errors', async () => {
  expect(await signedRequest(`${h.url}/v1/no-such-method`, 'GET', undefined, null)).toMatchObject({ status: 404, body: { code: 'ResourceNotFound' } });
  expect(await signedRequest(`${h.url}/v1/ping`, 'POST', '{}', null)).toMatchObject({ status: 405, body: { code: 'MethodNotAllowed' } });
});

test('a non-JSON content type is a 415', async () => {
  const res = await signedRequest(`${h.url}/v1/ami-set/set`, 'PUT', JSON.stringify(amiSetBody()), root, { 'content-type': 'application/x-www-form-urlencoded' });
  expect(res).toMatchObject({ status: 415, body: { code: 'UnsupportedMediaType' } });
  await nothingStored();
});

test('definition rules beyond the schema are 400s naming the field', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [workerTypeDefinition({ launchSpec: { ImageId: 'ami-12345678' } }), 'ImageId'],
    [workerTypeDefinition({ minCapacity: 5, maxCapacity: 2 }), 'minCapacity: must not exceed maxCapacity'],
    [workerTypeDefinition({ minPrice: 2, maxPrice: 1 }), 'minPrice: must not exceed maxPrice'],
    [workerTypeDefinition({ regions: [{ region: 'ap-south-1', launchSpec: { ImageId: 'ami-12345678' }, secrets: {}, userData: {}, scopes: [] }] }), 'ap-south-1 is not one of the allowed regions'],
    [workerTypeDefinition({ launchSpec: { InstanceType: 'm5.large' } }), 'InstanceType'],
    [workerTypeDefinition({ launchSpec: { Foo: 1 } }), 'Foo'],
  ];
  for (const [body, expected] of cases) {
    const res = await signedRequest(`${h.url}/v1/worker-type/wt`, 'PUT', JSON.stringify(body), root);
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain(expected);
  }
  await nothingStored();
});
