// Scope templates cannot be escaped with crafted names. A client holding only team-a-*
// scopes sends names built to widen `<workerType>`, `<id>` or `<token>` (wildcards,
// encoded slashes and dots, look-alikes, control bytes, oversize) to every route with such
// a parameter, and workerTypes like them in createSecret's body. Each is a 400 (or a 403
// for a valid name outside team-a-), and team-b's resources stay exactly as they were.
import slugid from 'slugid';
import { amiSetBody, workerTypeDefinition } from '../support/fixtures';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { createClient, signedRaw, type Credentials } from './support';

let h: ApiHarness;
let teamA: Credentials;
let before: { workerType: unknown; amiSet: unknown };

beforeAll(async () => {
  h = await startApiHarness();
  teamA = await createClient(h, 'team-a-admin', ['manage-worker-type', 'manage-ami-set', 'create-secret', 'terminate-all-worker-type']
    .map((s) => `aws-provisioner:${s}:team-a-*`));
  const root = h.provisioner();
  await root.createWorkerType('team-b', workerTypeDefinition());
  await root.createAmiSet('team-b', amiSetBody());
  before = await snapshot();
});
afterAll(async () => { await h?.stop(); });

async function snapshot() {
  return {
    workerType: await h.db.workerType.findUnique({ where: { name: 'team-b' } }),
    amiSet: await h.db.amiSet.findUnique({ where: { id: 'team-b' } }),
  };
}

async function nothingChanged(): Promise<void> {
  expect(await snapshot()).toEqual(before);
  expect((await h.db.workerType.findMany({ select: { name: true } })).map((r) => r.name)).toEqual(['team-b']);
  expect((await h.db.amiSet.findMany({ select: { id: true } })).map((r) => r.id)).toEqual(['team-b']);
  expect(await h.db.secret.count()).toBe(0);
}

/** Path segments as they go on the wire (percent-encoded where a client would have to). */
const CRAFTED = [
  '*', '%2A', 'team-a-*', 'team-a-%2A', 'team-a-%2a', 'team-a-..%2F..%2Fteam-b', 'team-a-..%2f..%2fteam-b', '%2e%2e',
  '%2E%2E%2Fteam-b', 'team-a-%252A', `team-a-${'x'.repeat(32)}`, `team-a-${'x'.repeat(10_000)}`,
  'te%D0%B0m-b', 'team%E2%80%90b', 'team-a-%EF%BC%8A', '%EF%BD%94eam-b', 'team-a-x%00', 'team-a-%00team-b',
  'team-a-x%0Ateam-b', 'team-a-x%0D%0A', 'team-a-x%20', 'team-a-x%3F', 'team-a-%E0%A4%A', 'team-a-x%C0%AF',
];

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';
const workerTypeBody = () => JSON.stringify(workerTypeDefinition());
const amiBody = () => JSON.stringify(amiSetBody());
const secretBody = (token: string, workerType = 'team-a-x') => JSON.stringify({
  workerType, secrets: { k: 'v' }, scopes: [], token, expiration: new Date(Date.now() + 3_600_000).toISOString(),
});

/** [method, path template, body for a valid name] for every route with a name parameter. */
const NAMED_ROUTES: Array<[Method, string, (name: string) => string | undefined]> = [
  ['PUT', '/worker-type/%s', workerTypeBody],
  ['POST', '/worker-type/%s/update', workerTypeBody],
  ['DELETE', '/worker-type/%s', () => undefined],
  ['POST', '/worker-type/%s/terminate-all-instances', () => undefined],
  ['GET', '/worker-type/%s', () => undefined],
  ['GET', '/worker-type-last-modified/%s', () => undefined],
  ['GET', '/worker-type/%s/launch-specifications', () => undefined],
  ['GET', '/state/%s', () => undefined],
  ['PUT', '/ami-set/%s', amiBody],
  ['POST', '/ami-set/%s/update', amiBody],
  ['DELETE', '/ami-set/%s', () => undefined],
  ['GET', '/ami-set/%s', () => undefined],
  ['PUT', '/secret/%s', (token) => secretBody(token)],
  ['GET', '/secret/%s', () => undefined],
  ['DELETE', '/secret/%s', () => undefined],
  ['GET', '/instance-started/i-0123abcd/%s', () => undefined],
];

const send = (method: Method, path: string, body: string | undefined) =>
  signedRaw(h.url, { method, path: `/v1${path}`, body }, teamA);

describe.each(NAMED_ROUTES)('%s %s', (method, template, body) => {
  test.each(CRAFTED)('the name %s is a 400 and changes nothing', async (name) => {
    const res = await send(method, template.replace('%s', name), body(slugid.nice()));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'InvalidRequestArguments' });
    await nothingChanged();
  });
});

// Valid names the scope does not cover: only the scope check can stop these.
const UNCOVERED = ['team-b', 'team-a', 'TEAM-A-x', 'team-b-team-a-x', 'team_a-x'];
const SCOPED_ROUTES = NAMED_ROUTES.filter(([method, template]) => method !== 'GET' && !template.startsWith('/secret/'));

describe.each(SCOPED_ROUTES)('%s %s', (method, template, body) => {
  test.each(UNCOVERED)('the valid but uncovered name %s is a 403 and changes nothing', async (name) => {
    const res = await send(method, template.replace('%s', name), body(name));
    expect(res).toMatchObject({ status: 403, body: { code: 'InsufficientScopes' } });
    await nothingChanged();
  });
});

describe('createSecret takes its scope from the body workerType', () => {
  const CRAFTED_BODY_NAMES = [
    '*', 'team-a-*', 'team-a-../../team-b', 'team-a-%2A', '..', `team-a-${'x'.repeat(32)}`, `team-a-${'x'.repeat(10_000)}`,
    'teаm-b', 'team‐b', 'team-a-＊', 'team-a-x\u0000', 'team-a-x\nteam-b', 'team-a-x ', '',
  ];
  test.each(CRAFTED_BODY_NAMES.map((n) => [JSON.stringify(n).slice(0, 40), n]))('the workerType %s is a 400', async (_label, name) => {
    const token = slugid.nice();
    const res = await send('PUT', `/secret/${token}`, secretBody(token, name));
    expect(res).toMatchObject({ status: 400, body: { code: 'InputError' } });
    expect((res.body as { message: string }).message).toContain('body/workerType');
    await nothingChanged();
  });

  test.each(UNCOVERED)('the valid but uncovered workerType %s is a 403', async (name) => {
    const token = slugid.nice();
    const res = await send('PUT', `/secret/${token}`, secretBody(token, name));
    expect(res).toMatchObject({ status: 403, body: { code: 'InsufficientScopes' } });
    await nothingChanged();
  });

  test('a covered workerType is accepted (the client and bodies above are otherwise valid)', async () => {
    const token = slugid.nice();
    expect((await send('PUT', `/secret/${token}`, secretBody(token, 'team-a-x'))).status).toBe(200);
    expect(await h.db.secret.count()).toBe(1);
    await h.db.secret.deleteMany();
  });
});

test('covered names work for the same client on the scoped routes', async () => {
  expect((await send('PUT', '/ami-set/team-a-x', amiBody())).status).toBe(200);
  expect((await send('POST', '/ami-set/team-a-x/update', amiBody())).status).toBe(200);
  expect((await send('DELETE', '/ami-set/team-a-x', undefined)).status).toBe(204);
  expect((await send('DELETE', '/worker-type/team-a-x', undefined)).status).toBe(204);
  await nothingChanged();
});
