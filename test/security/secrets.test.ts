// Secrets: one-time under concurrency, ciphertext at rest, never in logs or error
// messages, and gone (with expired Hawk nonces) after the expiry sweep.
import pg from 'pg';
import { sweepExpired } from '../../src/api/server';
import slugid from 'slugid';
import { ROOT_TOKEN, failure, startApiHarness, type ApiHarness } from '../support/api-harness';
import { createClient, hawkHeader, rawRequest, startReplica, type Credentials, type Replica } from './support';

let h: ApiHarness;
let replica: Replica;
let maker: Credentials;
/** Every value that must never show up in a row, a log line or an error message. */
const sensitive: string[] = [ROOT_TOKEN];
/** The raw text of every error response the tests received. */
const errorTexts: string[] = [];

beforeAll(async () => {
  h = await startApiHarness();
  replica = await startReplica(h);
  maker = await createClient(h, 'secret-maker', ['aws-provisioner:create-secret:wt-*']);
  sensitive.push(maker.accessToken);
});
afterAll(async () => {
  await replica?.stop();
  await h?.stop();
});

const taskcluster = require('taskcluster-client');
const anonymous = (baseUrl: string) => new taskcluster.AwsProvisioner({ baseUrl: `${baseUrl}/v1`, retries: 0 });
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** A secret whose token and data are unique markers, created by `maker` through the API. */
async function createSecret(expiresInMinutes = 40): Promise<{ token: string; plaintext: string }> {
  const token = slugid.nice();
  const plaintext = `plaintext-${slugid.nice()}`;
  sensitive.push(token, plaintext);
  await h.provisioner(maker).createSecret(token, {
    workerType: 'wt-secure', secrets: { password: plaintext }, scopes: [`queue:${plaintext}`], token, expiration: inMinutes(expiresInMinutes),
  });
  return { token, plaintext };
}

async function rawRows(table: 'Secret' | 'Client'): Promise<string> {
  const client = new pg.Client({ connectionString: h.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    return rows.map((r: { row: string }) => r.row).join('\n');
  } finally {
    await client.end();
  }
}

test('of 20 concurrent getSecret calls over two replicas exactly one gets the secret', async () => {
  const { token, plaintext } = await createSecret();
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_v, i) => anonymous(i % 2 ? replica.url : h.url).getSecret(token)));
  const ok = results.filter((r): r is PromiseFulfilledResult<{ data: { password: string }; credentials: { accessToken: string } }> => r.status === 'fulfilled');
  expect(ok).toHaveLength(1);
  expect(ok[0]!.value.data).toEqual({ password: plaintext });
  sensitive.push(ok[0]!.value.credentials.accessToken);
  const statuses = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.statusCode);
  expect(statuses).toEqual(Array(19).fill(404));
  errorTexts.push(...results.filter((r) => r.status === 'rejected').map((r) => JSON.stringify((r as PromiseRejectedResult).reason.body)));
  expect(await h.db.secret.count()).toBe(0);
});

test('rows hold ciphertext only: no token, plaintext or access token in Secret or Client', async () => {
  const { token, plaintext } = await createSecret();
  const secretRows = await rawRows('Secret');
  const clientRows = await rawRows('Client');
  expect(secretRows).toContain('"workerType":"wt-secure"');
  expect(clientRows).toContain('"clientId":"secret-maker"');
  for (const value of [token, plaintext, maker.accessToken, ROOT_TOKEN]) {
    expect(secretRows).not.toContain(value);
    expect(clientRows).not.toContain(value);
  }
  const { data } = await anonymous(h.url).getSecret(token);
  expect(data).toEqual({ password: plaintext });
});

test('error answers about a secret never echo its token', async () => {
  const { token } = await createSecret();
  const p = h.provisioner(maker);
  const body = { workerType: 'wt-secure', secrets: { other: 1 }, scopes: [], token, expiration: inMinutes(40) };
  const errors = [
    await failure(p.createSecret(token, body)),
    await failure(p.createSecret(token, { ...body, token: slugid.nice() })),
    await failure(p.createSecret(token, { ...body, workerType: 'other-team' })),
    await failure(anonymous(h.url).getSecret(slugid.nice())),
  ];
  expect(errors.map((e) => e.status)).toEqual([409, 400, 403, 404]);
  errorTexts.push(...errors.map((e) => JSON.stringify(e)));
  await h.provisioner(null).removeSecret(token);
});

test('a tampered ciphertext is a 500 naming only an incident id', async () => {
  const { token } = await createSecret();
  await h.db.secret.updateMany({ data: { ciphertext: 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA' } });
  const err = await failure(anonymous(h.url).getSecret(token));
  expect(err).toMatchObject({ status: 500, code: 'InternalServerError' });
  expect(err.message).toMatch(/^Internal server error \(incident [0-9a-f-]{36}\)\.$/);
  errorTexts.push(JSON.stringify(err));
});

test('the expiry sweep removes expired secrets, expired nonces and old rate windows, and nothing else', async () => {
  await createSecret(1);
  const { token: lasting } = await createSecret(600);
  expect(await h.db.hawkNonce.count()).toBeGreaterThan(0);
  // Past the nonces' retention (twice the 15-minute Hawk skew), within the lasting secret's life.
  const shiftMs = 31 * 60_000;
  h.advanceClock(shiftMs);
  try {
    // An authorized write signed on the moved clock leaves a nonce and a rate window that are
    // still live (refused writes do not count against the rate limit).
    const token = slugid.nice();
    const path = `/v1/secret/${token}`;
    const body = JSON.stringify({ workerType: 'wt-secure', secrets: {}, scopes: [], token, expiration: new Date(Date.now() + shiftMs + 600 * 60_000).toISOString() });
    const { hostname, port } = new URL(h.url);
    const authorization = hawkHeader({
      method: 'PUT', host: hostname, port: Number(port), path, credentials: maker, timestamp: Math.floor((Date.now() + shiftMs) / 1000),
    });
    expect((await rawRequest(h.url, { method: 'PUT', path, body, headers: { authorization, host: `${hostname}:${port}` } })).status).toBe(200);
    const swept = await sweepExpired(h.services);
    expect(swept.secrets).toBe(1);
    expect(swept.nonces).toBeGreaterThan(0);
    expect(swept.rateWindows).toBeGreaterThan(0);
    expect(await h.db.hawkNonce.count()).toBe(1);
    expect(await h.db.rateLimit.count()).toBe(1);
    expect(await h.db.secret.count()).toBe(2);
    await expect(anonymous(h.url).instanceStarted('i-0123abcd', lasting)).resolves.toBeUndefined();
  } finally {
    h.advanceClock(-shiftMs);
  }
});

test('no token, plaintext or access token reached a log line or an error message', () => {
  expect(h.logs.length).toBeGreaterThan(20);
  expect(errorTexts.length).toBeGreaterThanOrEqual(24);
  const logText = h.logs.join('\n');
  const errorText = errorTexts.join('\n');
  for (const value of sensitive) {
    expect(logText).not.toContain(value);
    expect(errorText).not.toContain(value);
  }
  expect(sensitive.length).toBeGreaterThanOrEqual(12);
});
