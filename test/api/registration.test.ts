// Registration as real workers do it: claiming a launch's one-time secret with getSecret
// registers exactly the instance of that launch, in the statement that deletes the secret.
// instanceStarted stays accepted, but only for the token's own instance.
import { createSecretRepository } from '../../src/db/secrets';
import { SecretBox } from '../../src/db/secret-box';
import slugid from 'slugid';
import { workerTypeDefinition } from '../support/fixtures';
import { failure, startApiHarness, type ApiHarness } from '../support/api-harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  await h.provisioner().createWorkerType('reg', workerTypeDefinition());
});
afterAll(async () => { await h.stop(); });

let launches = 0;
/** A launch as the launch activity leaves it: a ledger row EC2 has shown, and its tied secret. */
async function launch(state = 'running'): Promise<{ token: string; clientToken: string; instanceId: string }> {
  launches++;
  const clientToken = `launch-${launches}-${slugid.nice()}`;
  const instanceId = `i-${(0x10000000 + launches).toString(16)}`;
  await h.db.instance.create({ data: {
    clientToken, instanceId, workerType: 'reg', region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge',
    capacity: 1, market: 'spot', price: 0.1, state,
  } });
  const token = slugid.nice();
  const secrets = createSecretRepository(h.db, new SecretBox(h.config.secretsKey!));
  await secrets.createForLaunch(token, { workerType: 'reg', secrets: { s: 1 }, scopes: [] }, new Date(Date.now() + 600_000), clientToken);
  return { token, clientToken, instanceId };
}

const row = (clientToken: string) => h.db.instance.findUniqueOrThrow({ where: { clientToken } });
const capacity = async () => (await h.provisioner().state('reg')).summary;

test('getSecret registers the launch\'s instance: it counts as running', async () => {
  const before = await capacity();
  const l = await launch();
  expect((await capacity()).pendingCapacity).toBe(before.pendingCapacity + 1);
  const secret = await h.provisioner(null).getSecret(l.token);
  expect(secret.data).toEqual({ s: 1 });
  expect(await row(l.clientToken)).toMatchObject({ registeredBy: 'getSecret', registered: expect.any(Date) });
  const after = await capacity();
  expect(after.runningCapacity).toBe(before.runningCapacity + 1);
  expect(after.pendingCapacity).toBe(before.pendingCapacity);
  const entry = (await h.provisioner().state('reg')).instances.find((i: { id: string }) => i.id === l.instanceId);
  expect(entry).toMatchObject({ capacityState: 'running', registeredBy: 'getSecret', registered: expect.any(String) });
});

test('only the token\'s own launch is registered', async () => {
  const [a, b] = [await launch(), await launch()];
  await h.provisioner(null).getSecret(a.token);
  expect((await row(b.clientToken)).registered).toBeNull();
});

test('removeSecret after a failed or missing getSecret registers nothing', async () => {
  const l = await launch();
  const anonymous = h.provisioner(null);
  // generic-worker and worker-runner call removeSecret even when getSecret failed.
  await anonymous.removeSecret(l.token);
  expect(await failure(anonymous.getSecret(l.token))).toMatchObject({ status: 404 });
  await anonymous.removeSecret(l.token);
  expect((await row(l.clientToken)).registered).toBeNull();
  const entry = (await h.provisioner().state('reg')).instances.find((i: { id: string }) => i.id === l.instanceId);
  expect(entry).toMatchObject({ capacityState: 'pending', registered: null, registeredBy: null });
});

test('an instance already on its way out is not registered by its secret', async () => {
  const l = await launch('stopping');
  await h.provisioner(null).getSecret(l.token);
  expect((await row(l.clientToken)).registered).toBeNull();
});

test('instanceStarted registers the token\'s own instance, and is a 404 for any other', async () => {
  const [a, b] = [await launch(), await launch()];
  const anonymous = h.provisioner(null);
  expect(await failure(anonymous.instanceStarted(b.instanceId, a.token))).toMatchObject({ status: 404, code: 'ResourceNotFound' });
  expect((await row(b.clientToken)).registered).toBeNull();
  await expect(anonymous.instanceStarted(a.instanceId, a.token)).resolves.toBeUndefined();
  expect(await row(a.clientToken)).toMatchObject({ registeredBy: 'instanceStarted' });
  // The later claim keeps the first registration.
  await anonymous.getSecret(a.token);
  expect(await row(a.clientToken)).toMatchObject({ registeredBy: 'instanceStarted' });
});

test('of 10 concurrent getSecret calls one wins, and the instance is registered once', async () => {
  const l = await launch();
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => h.provisioner(null).getSecret(l.token)));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect(await row(l.clientToken)).toMatchObject({ registeredBy: 'getSecret' });
});

test('removing a worker type deletes its unclaimed secrets with it', async () => {
  const p = h.provisioner();
  await p.createWorkerType('reg-gone', workerTypeDefinition());
  const secrets = createSecretRepository(h.db, new SecretBox(h.config.secretsKey!));
  const [token, other] = [slugid.nice(), slugid.nice()];
  const later = new Date(Date.now() + 600_000);
  await secrets.createForLaunch(token, { workerType: 'reg-gone', secrets: {}, scopes: [] }, later, `gone-${slugid.nice()}`);
  await secrets.createForLaunch(other, { workerType: 'reg', secrets: {}, scopes: [] }, later, `kept-${slugid.nice()}`);
  await p.removeWorkerType('reg-gone');
  expect(await failure(h.provisioner(null).getSecret(token))).toMatchObject({ status: 404 });
  await expect(h.provisioner(null).getSecret(other)).resolves.toMatchObject({ data: {} });
});
