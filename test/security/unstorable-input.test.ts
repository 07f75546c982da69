// Text PostgreSQL cannot store: a lone UTF-16 surrogate (a JSON escape in \uD800-\uDFFF that
// is not half of a pair) or U+0000, anywhere in a body, is a 400 naming the field, never a
// 500 from the database, and nothing is stored. Bodies are hand-written JSON text: a client's
// JSON.stringify would also escape them, but the test must not depend on that.
import slugid from 'slugid';
import { amiSetBody, workerTypeDefinition } from '../support/fixtures';
import { ROOT_TOKEN, startApiHarness, type ApiHarness } from '../support/api-harness';
import { signedRaw } from './support';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h?.stop(); });

const root = { clientId: 'root', accessToken: ROOT_TOKEN };
const PLACEHOLDER = 'PLACEHOLDER-0f3a';

/** JSON text of `value` with the string PLACEHOLDER (as key or value) replaced by raw JSON `escape`. */
const withEscape = (value: unknown, escape: string) => JSON.stringify(value).replace(`"${PLACEHOLDER}"`, `"${escape}"`);

const put = (path: string, body: string) => signedRaw(h.url, { method: 'PUT', path, body }, root);

const secretBody = (token: string, secrets: unknown) =>
  ({ workerType: 'wt-unstorable', secrets, scopes: [], token, expiration: '2999-01-01T00:00:00Z' });

const lone = 'a lone UTF-16 surrogate';

describe('a worker type definition', () => {
  test.each([
    ['a lone high surrogate in userData', { userData: { note: PLACEHOLDER } }, '\\ud800', `body/userData/note: must not contain ${lone}`],
    ['a lone low surrogate in the description', { description: PLACEHOLDER }, 'x\\uDFFFy', `body/description: must not contain ${lone}`],
    ['a reversed pair deep in a region\'s userData', {
      regions: [{ ...(workerTypeDefinition().regions as object[])[0], userData: { a: [1, { b: PLACEHOLDER }] } }],
    }, '\\udc00\\ud800', `body/regions/0/userData/a/1/b: must not contain ${lone}`],
    ['a lone surrogate in a userData key', { userData: { [PLACEHOLDER]: 1 } }, '\\ud83d', `body/userData: object keys must not contain ${lone}`],
    ['U+0000 in a userData key', { userData: { [PLACEHOLDER]: 1 } }, 'k\\u0000', 'body/userData: object keys must not contain U+0000'],
    // The database client would turn `{"__proto__": null}` into an object without a prototype and fail
    // on it (a 500), and drop any other value under that key (a stored definition unlike the one sent).
    ['a __proto__ key set to null deep in an instance type\'s userData', {
      instanceTypes: [{ ...(workerTypeDefinition().instanceTypes as object[])[0], userData: { a: [{ [PLACEHOLDER]: null, b: 1 }] } }],
    }, '__proto__', 'body/instanceTypes/0/userData/a/0: object keys must not be __proto__'],
    ['a __proto__ key holding an object in the launchSpec', { launchSpec: { [PLACEHOLDER]: { x: 1 } } }, '__proto__',
      'body/launchSpec: object keys must not be __proto__'],
  ])('with %s is a 400 naming the field, and is not stored', async (_name, overrides, escape, message) => {
    const res = await put('/v1/worker-type/wt-unstorable', withEscape(workerTypeDefinition(overrides), escape));
    expect(res).toMatchObject({ status: 400, body: { code: 'InputError', message } });
    expect(await h.db.workerType.findUnique({ where: { name: 'wt-unstorable' } })).toBeNull();
  });
});

describe('a secret', () => {
  test.each([
    ['a lone surrogate in a value', { k: ['ok', PLACEHOLDER] }, 'x\\udc00', `body/secrets/k/1: must not contain ${lone}`],
    ['a high surrogate ending a value', { k: PLACEHOLDER }, 'ab\\udbff', `body/secrets/k: must not contain ${lone}`],
    ['a lone surrogate as a key', { [PLACEHOLDER]: true }, '\\udfff', `body/secrets: object keys must not contain ${lone}`],
    ['U+0000 in a value', { k: PLACEHOLDER }, 'a\\u0000b', 'body/secrets/k: must not contain U+0000'],
    ['a __proto__ key', { k: { [PLACEHOLDER]: { admin: true } } }, '__proto__', 'body/secrets/k: object keys must not be __proto__'],
  ])('with %s is a 400 naming the field, and is not stored', async (_name, secrets, escape, message) => {
    const token = slugid.nice();
    const res = await put(`/v1/secret/${token}`, withEscape(secretBody(token, secrets), escape));
    expect(res).toMatchObject({ status: 400, body: { code: 'InputError', message } });
    expect(await h.db.secret.count()).toBe(0);
  });

  test('with surrogate pairs (characters outside the BMP) is stored and read back intact', async () => {
    const token = slugid.nice();
    const res = await put(`/v1/secret/${token}`, withEscape(secretBody(token, { [PLACEHOLDER]: '\u{1F680}' }), '\\ud83d\\ude00'));
    expect(res.status).toBe(200);
    await expect(h.provisioner(null).getSecret(token)).resolves.toMatchObject({ data: { '\u{1F600}': '\u{1F680}' } });
  });
});

test('an AMI set with a lone surrogate is a 400 naming the field before its pattern is checked', async () => {
  const body = amiSetBody();
  body.amis[1]!.pv = PLACEHOLDER;
  const res = await put('/v1/ami-set/unstorable', withEscape(body, '\\ud800'));
  expect(res).toMatchObject({ status: 400, body: { code: 'InputError', message: `body/amis/1/pv: must not contain ${lone}` } });
  expect(await h.db.amiSet.count()).toBe(0);
});

test('the API document states the rule', async () => {
  const doc = await (await fetch(`${h.url}/v1/openapi.json`)).json() as { paths: Record<string, { put: { requestBody: { description: string } } }> };
  expect(doc.paths['/secret/{token}']!.put.requestBody.description).toContain('lone UTF-16 surrogate');
});
