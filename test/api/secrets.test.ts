// The booting-instance handshake through the real taskcluster-client 1.6.3.
import { hashToken } from '../../src/db/secret-box';
import { sweepExpired } from '../../src/api/server';
import slugid from 'slugid';
import { workerTypeDefinition } from '../support/fixtures';
import { failure, startApiHarness, type ApiHarness } from '../support/api-harness';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const secretBody = (token: string, workerType = 'wt-1', secrets: Record<string, unknown> = { password: 'hunter2-very-secret' }) =>
  ({ workerType, secrets, scopes: ['queue:claim-work:x'], token, expiration: inMinutes(40) });

test('create is idempotent; a different secret under the same token is a 409', async () => {
  const p = h.provisioner();
  const token = slugid.nice();
  expect(await p.createSecret(token, secretBody(token))).toEqual({ outcome: 'success' });
  expect(await p.createSecret(token, secretBody(token))).toEqual({ outcome: 'success' });
  const err = await failure(p.createSecret(token, secretBody(token, 'wt-1', { password: 'different' })));
  expect(err).toMatchObject({ status: 409, code: 'RequestConflict' });
  expect(err.message).not.toContain(token);
});

test('the body token must equal the URL token', async () => {
  const token = slugid.nice();
  const err = await failure(h.provisioner().createSecret(token, secretBody(slugid.nice())));
  expect(err).toMatchObject({ status: 400, code: 'InputError', message: 'body/token: must equal the token in the URL' });
  expect(await h.db.secret.count({ where: { tokenHash: hashToken(token) } })).toBe(0);
});

test('the create scope is taken from the body worker type', async () => {
  const creds = await h.addClient('secret-maker', ['aws-provisioner:create-secret:wt-allowed']);
  const p = h.provisioner(creds);
  const token = slugid.nice();
  expect(await failure(p.createSecret(token, secretBody(token, 'wt-denied')))).toMatchObject({ status: 403 });
  await expect(p.createSecret(token, secretBody(token, 'wt-allowed'))).resolves.toEqual({ outcome: 'success' });
});

test('getSecret returns data, scopes and 96 h worker credentials, once', async () => {
  const p = h.provisioner();
  const token = slugid.nice();
  await p.createSecret(token, secretBody(token, 'wt-read'));
  const anonymous = h.provisioner(null);
  const secret = await anonymous.getSecret(token);
  expect(secret.data).toEqual({ password: 'hunter2-very-secret' });
  expect(secret.scopes).toEqual(['queue:claim-work:x']);
  // The built-in issuer, never root; in a TaskCluster deployment the configured issuer client.
  expect(secret.credentials.clientId).toBe(process.env.TEST_AUTH_MODE ? h.config.credentialsIssuer.clientId : 'worker-credentials');
  const cert = JSON.parse(secret.credentials.certificate);
  expect(cert.scopes).toEqual([`assume:worker-type:${h.config.provisionerId}/wt-read`, 'assume:worker-id:*']);
  const hours = (cert.expiry - Date.now()) / 3_600_000;
  expect(hours).toBeGreaterThan(95.9);
  expect(hours).toBeLessThanOrEqual(96);
  expect((await failure(anonymous.getSecret(token))).status).toBe(404);
});

test('the worker credentials authenticate, and carry only the worker scopes', async () => {
  const token = slugid.nice();
  await h.provisioner().createSecret(token, secretBody(token, 'wt-creds'));
  const { credentials } = await h.provisioner(null).getSecret(token);
  const asWorker = h.provisioner(credentials);
  const err = await failure(asWorker.createWorkerType('wt-creds', workerTypeDefinition()));
  expect(err.status).toBe(403);
});

test('instanceStarted accepts 8- and 17-hex ids while the secret exists, 404 after', async () => {
  const p = h.provisioner(null);
  const token = slugid.nice();
  await h.provisioner().createSecret(token, secretBody(token));
  await expect(p.instanceStarted('i-0123abcd', token)).resolves.toBeUndefined();
  await expect(p.instanceStarted('i-0123456789abcdef0', token)).resolves.toBeUndefined();
  expect((await failure(p.instanceStarted('i-0123', token))).status).toBe(400);
  await p.removeSecret(token);
  await p.removeSecret(token);
  expect(await failure(p.instanceStarted('i-0123abcd', token))).toMatchObject({ status: 404, code: 'ResourceNotFound' });
  expect((await failure(p.getSecret(token))).status).toBe(404);
});

test('an expired secret cannot be read and the sweep deletes it', async () => {
  const token = slugid.nice();
  await h.provisioner().createSecret(token, secretBody(token));
  const fresh = slugid.nice();
  await h.provisioner().createSecret(fresh, { ...secretBody(fresh), expiration: inMinutes(600) });
  h.advanceClock(41 * 60_000);
  try {
    expect((await failure(h.provisioner(null).getSecret(token))).status).toBe(404);
    expect((await failure(h.provisioner(null).instanceStarted('i-0123abcd', token))).status).toBe(404);
    const before = await h.db.secret.count();
    expect((await sweepExpired(h.services)).secrets).toBeGreaterThanOrEqual(1);
    expect(await h.db.secret.count()).toBeLessThan(before);
    await expect(h.provisioner(null).instanceStarted('i-0123abcd', fresh)).resolves.toBeUndefined();
  } finally {
    h.advanceClock(-41 * 60_000);
  }
});

test('rows hold neither the token nor the plaintext, and logs hold no token', async () => {
  const token = slugid.nice();
  const secrets = { apiKey: 'plaintext-marker-5f2c1a' };
  await h.provisioner().createSecret(token, secretBody(token, 'wt-raw', secrets));
  await h.provisioner(null).instanceStarted('i-0123abcd', token);
  const rows = await h.db.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "Secret"');
  const dump = JSON.stringify(rows);
  expect(rows.length).toBeGreaterThan(0);
  expect(dump).not.toContain('plaintext-marker-5f2c1a');
  expect(dump).not.toContain(token);
  const secret = await h.provisioner(null).getSecret(token);
  expect(secret.data).toEqual(secrets);
  const logs = h.logs.join('\n');
  expect(h.logs.length).toBeGreaterThan(0);
  expect(logs).not.toContain(token);
  expect(logs).not.toContain('plaintext-marker-5f2c1a');
  expect(logs).not.toContain(secret.credentials.accessToken);
});
