// A signed createSecret is one SQL statement: the Hawk nonce, the write count and the insert
// of the secret together (src/db/secret-sql.ts). What that statement refuses stores nothing:
// a replay is a 401, a write beyond the limit a 429 with Retry-After, as for every signed
// write. What is refused before admission (a token mismatch, missing scopes) records neither
// a nonce nor a count, and its replay gets the same answer again.
import slugid from 'slugid';
import { createTemporaryCredentials } from '../../src/api/auth/temporary-credentials';
import { ROOT_TOKEN, failure, startApiHarness, type ApiHarness } from '../support/api-harness';
import { countStatements, type StatementCount } from '../support/statement-count';
import { AUTH_FAILED, createClient, hawkHeader, hawkNonceCount, rawRequest, type Credentials } from './support';

const WRITES_PER_MINUTE = 3;
const ROOT: Credentials = { clientId: 'root', accessToken: ROOT_TOKEN };
let h: ApiHarness;
let counter: StatementCount;

beforeAll(async () => {
  h = await startApiHarness({ RATE_LIMIT_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE) });
  counter = countStatements(h.db);
  // Windows start on the minute: start well inside one, so every test here shares it.
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
});
afterAll(async () => {
  counter?.stop();
  await h?.stop();
});

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const secretBody = (token: string, workerType = 'wt-admission', password = 'first') =>
  ({ workerType, secrets: { password }, scopes: [], token, expiration: inAnHour() });

/** The statements the API sent while `send` ran. */
async function statementsOf<T>(send: () => Promise<T>): Promise<{ answer: T; statements: string[] }> {
  counter.reset();
  const answer = await send();
  return { answer, statements: [...counter.statements] };
}

/** A createSecret signed with `credentials` over its path; the same header may be sent again. */
function signedCreate(token: string, credentials: Credentials = ROOT) {
  const { hostname, port } = new URL(h.url);
  const path = `/v1/secret/${token}`;
  const authorization = hawkHeader({ method: 'PUT', host: hostname, port: Number(port), path, credentials });
  return (body: unknown) => rawRequest(h.url, {
    method: 'PUT', path, body: JSON.stringify(body), headers: { authorization, host: `${hostname}:${port}` },
  });
}

const rateCount = async (key: string) => (await h.db.rateLimit.findMany({ where: { clientId: key } }))[0]?.count ?? 0;
const stored = (token: string) => h.provisioner(null).getSecret(token) as Promise<{ data: unknown }>;

/** The one statement of an admitted createSecret writes all three tables. */
const FOLDED = expect.stringMatching(/"HawkNonce"[\s\S]*"RateLimit"[\s\S]*"Secret"/);

test('a signed createSecret of root is exactly one statement: nonce, write count and insert', async () => {
  const token = slugid.nice();
  const [nonces, count] = [await hawkNonceCount(h), await rateCount('root')];
  const { answer, statements } = await statementsOf(() => h.provisioner().createSecret(token, secretBody(token)));
  expect(answer).toEqual({ outcome: 'success' });
  expect(statements).toEqual([FOLDED]);
  expect([await hawkNonceCount(h), await rateCount('root')]).toEqual([nonces + 1, count + 1]);
  expect((await stored(token)).data).toEqual({ password: 'first' });
});

test('so is one with temporary credentials issued by root, as workers hold them', async () => {
  const now = Date.now();
  const worker = createTemporaryCredentials({
    clientId: 'root', accessToken: ROOT_TOKEN, scopes: ['aws-provisioner:create-secret:wt-admission'],
    start: new Date(now - 15 * 60_000), expiry: new Date(now + 3_600_000),
  });
  const token = slugid.nice();
  const { answer, statements } = await statementsOf(() => h.provisioner(worker).createSecret(token, secretBody(token)));
  expect(answer).toEqual({ outcome: 'success' });
  expect(statements).toEqual([FOLDED]);
  const keys = (await h.db.rateLimit.findMany()).map((row) => row.clientId);
  expect(keys).toContainEqual(expect.stringMatching(/^root#temp:[0-9a-f]{32}$/));
});

test('a replayed createSecret is a 401 in one statement, and nothing changes', async () => {
  const token = slugid.nice();
  const send = signedCreate(token);
  expect((await send(secretBody(token))).status).toBe(200);
  const [nonces, count] = [await hawkNonceCount(h), await rateCount('root')];
  const { answer, statements } = await statementsOf(() => send(secretBody(token, 'wt-admission', 'replayed')));
  expect(answer).toMatchObject({ status: 401, body: AUTH_FAILED });
  expect(statements).toEqual([FOLDED]);
  expect([await hawkNonceCount(h), await rateCount('root')]).toEqual([nonces, count]);
  expect((await stored(token)).data).toEqual({ password: 'first' });
});

test('beyond the limit createSecret is a 429 with Retry-After, in one statement, and stores nothing', async () => {
  let limited: { answer: Awaited<ReturnType<ReturnType<typeof signedCreate>>>; statements: string[] } | undefined;
  let token = '';
  for (let i = 0; i <= WRITES_PER_MINUTE && !limited; i++) {
    token = slugid.nice();
    const sent = await statementsOf(() => signedCreate(token)(secretBody(token)));
    if (sent.answer.status === 429) limited = sent;
    else expect(sent.answer.status).toBe(200);
  }
  expect(limited?.answer).toMatchObject({ status: 429, body: { code: 'TooManyRequests' } });
  const retryAfter = Number(limited!.answer.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  expect(limited!.statements).toEqual([FOLDED]);
  expect(await failure(stored(token))).toMatchObject({ status: 404 });
});

test('a token that differs from the body\'s is a 400 before admission: no statement, and its replay is a 400 again', async () => {
  const token = slugid.nice();
  const send = signedCreate(token);
  const nonces = await hawkNonceCount(h);
  for (let i = 0; i < 2; i++) {
    const { answer, statements } = await statementsOf(() => send(secretBody(slugid.nice())));
    expect(answer).toMatchObject({ status: 400, body: { code: 'InputError' } });
    expect(statements).toEqual([]);
  }
  expect(await hawkNonceCount(h)).toBe(nonces);
});

test('a request refused for its scopes is not admitted: its replay is a 403 again', async () => {
  const other = await createClient(h, 'admission-other-team', ['aws-provisioner:create-secret:other-*']);
  const token = slugid.nice();
  const send = signedCreate(token, other);
  const nonces = await hawkNonceCount(h);
  for (let i = 0; i < 2; i++) {
    const { answer, statements } = await statementsOf(() => send(secretBody(token)));
    expect(answer).toMatchObject({ status: 403, body: { code: 'InsufficientScopes' } });
    // The stored client's lookup only.
    expect(statements).toEqual([expect.stringMatching(/"Client"/)]);
  }
  expect([await hawkNonceCount(h), await rateCount('admission-other-team')]).toEqual([nonces, 0]);
});
