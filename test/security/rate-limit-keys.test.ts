// Whose budget a write spends. Worker credentials are temporary credentials issued by
// `root` and so carry client id `root`: if refused writes counted, or if they counted
// against the shared client id, any worker could lock the operator out.
import { createTemporaryCredentials } from '../../src/api/auth/temporary-credentials';
import { amiSetBody } from '../support/fixtures';
import { ROOT_TOKEN, failure, startApiHarness, type ApiHarness } from '../support/api-harness';

const WRITES_PER_MINUTE = 5;
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ RATE_LIMIT_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE) });
  // Windows start on the minute: start well inside one, so every test here shares it.
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
});
afterAll(async () => {
  await h?.stop();
});

/** Temporary credentials issued by root, as getSecret issues them to workers. */
function issuedByRoot(scopes: string[]) {
  const now = Date.now();
  return createTemporaryCredentials({
    clientId: 'root', accessToken: ROOT_TOKEN, scopes, start: new Date(now - 15 * 60_000), expiry: new Date(now + 96 * 3_600_000),
  });
}

const rateKeys = async () => (await h.db.rateLimit.findMany()).map((row) => row.clientId).sort();

test('refused writes with a worker\'s credentials never make root\'s next write a 429', async () => {
  const worker = h.provisioner(issuedByRoot(['assume:worker-type:aws-provisioner-v1/b-1', 'assume:worker-id:*']));
  for (let i = 0; i < 3 * WRITES_PER_MINUTE; i++) {
    expect(await failure(worker.removeAmiSet('locked-out'))).toMatchObject({ status: 403, code: 'InsufficientScopes' });
  }
  expect(await failure(worker.createAmiSet('locked-out', amiSetBody()))).toMatchObject({ status: 403 });
  await expect(h.provisioner().removeAmiSet('locked-out')).resolves.toBeUndefined();
  expect(await rateKeys()).toEqual(['root']);
});

test('a body refused with 400 does not count either', async () => {
  const writer = h.provisioner(issuedByRoot(['aws-provisioner:manage-ami-set:*']));
  for (let i = 0; i < 2 * WRITES_PER_MINUTE; i++) {
    expect(await failure(writer.createAmiSet('bad-body', { amis: 'none' }))).toMatchObject({ status: 400 });
  }
  await expect(writer.removeAmiSet('bad-body')).resolves.toBeUndefined();
});

test('a temporary credential\'s own authorized writes are limited on their own', async () => {
  const busy = h.provisioner(issuedByRoot(['aws-provisioner:manage-ami-set:*']));
  const quiet = h.provisioner(issuedByRoot(['aws-provisioner:manage-ami-set:*']));
  for (let i = 0; i < WRITES_PER_MINUTE; i++) await expect(busy.removeAmiSet('absent')).resolves.toBeUndefined();
  expect(await failure(busy.removeAmiSet('absent'))).toMatchObject({ status: 429, code: 'TooManyRequests' });
  expect(await failure(busy.createAmiSet('limited', amiSetBody()))).toMatchObject({ status: 429 });
  expect(await h.db.amiSet.findUnique({ where: { id: 'limited' } })).toBeNull();
  // Neither the issuer nor another certificate of the same issuer is limited by it.
  await expect(h.provisioner().removeAmiSet('absent')).resolves.toBeUndefined();
  await expect(quiet.removeAmiSet('absent')).resolves.toBeUndefined();
  const keys = await rateKeys();
  expect(keys.filter((key) => key !== 'root')).toEqual([
    expect.stringMatching(/^root#temp:[0-9a-f]{32}$/),
    expect.stringMatching(/^root#temp:[0-9a-f]{32}$/),
    expect.stringMatching(/^root#temp:[0-9a-f]{32}$/),
  ]);
  expect(new Set(keys).size).toBe(keys.length);
});
