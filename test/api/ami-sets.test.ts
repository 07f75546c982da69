// AMI set methods through the real taskcluster-client 1.6.3.
import { amiSetBody } from '../support/fixtures';
import { failure, startApiHarness, type ApiHarness } from '../support/api-harness';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

test('create is idempotent, get returns it, a different set is a 409', async () => {
  const p = h.provisioner();
  expect(await p.createAmiSet('base', amiSetBody())).toEqual({ outcome: 'success' });
  expect(await p.createAmiSet('base', amiSetBody())).toEqual({ outcome: 'success' });
  const set = await p.amiSet('base');
  expect(set).toMatchObject({ id: 'base', amis: amiSetBody().amis });
  const changed = { amis: amiSetBody().amis.slice(0, 1) };
  expect(await failure(p.createAmiSet('base', changed))).toMatchObject({ status: 409, code: 'RequestConflict' });
  expect((await p.amiSet('base')).amis).toHaveLength(2);
});

test('update replaces the AMIs and bumps lastModified', async () => {
  const p = h.provisioner();
  await p.createAmiSet('rolling', amiSetBody());
  const before = await p.amiSet('rolling');
  h.advanceClock(1000);
  const amis = [...amiSetBody().amis, { region: 'eu-central-1', hvm: 'ami-0aaaaaaaaaaaaaaa1', pv: 'ami-0aaaaaaaaaaaaaaa2' }];
  const after = await p.updateAmiSet('rolling', { amis });
  expect(after.amis).toHaveLength(3);
  expect(Date.parse(after.lastModified)).toBeGreaterThan(Date.parse(before.lastModified));
  expect(await p.amiSet('rolling')).toEqual(after);
  expect((await failure(p.updateAmiSet('missing', { amis }))).status).toBe(404);
});

test('duplicate regions are rejected naming the entry', async () => {
  const amis = [amiSetBody().amis[0]!, amiSetBody().amis[0]!];
  const err = await failure(h.provisioner().createAmiSet('dupes', { amis }));
  expect(err).toMatchObject({ status: 400, message: 'body/amis/1/region: us-west-2 appears more than once' });
  expect((await failure(h.provisioner().amiSet('dupes'))).status).toBe(404);
});

test('list, remove (idempotent) and 404 after removal', async () => {
  const p = h.provisioner();
  await p.createAmiSet('to-remove', amiSetBody());
  expect(await p.listAmiSets()).toEqual(expect.arrayContaining(['base', 'rolling', 'to-remove']));
  await p.removeAmiSet('to-remove');
  await p.removeAmiSet('to-remove');
  expect(await p.listAmiSets()).not.toContain('to-remove');
  expect(await failure(p.amiSet('to-remove'))).toMatchObject({ status: 404, code: 'ResourceNotFound' });
});

test('the manage scope is parameterised by the AMI set id', async () => {
  const creds = await h.addClient('ami-team', ['aws-provisioner:manage-ami-set:team-*']);
  const p = h.provisioner(creds);
  await expect(p.createAmiSet('team-images', amiSetBody())).resolves.toEqual({ outcome: 'success' });
  expect(await failure(p.createAmiSet('base2', amiSetBody()))).toMatchObject({ status: 403 });
  expect(await failure(p.removeAmiSet('base'))).toMatchObject({ status: 403 });
  expect(await h.provisioner(null).amiSet('base')).toMatchObject({ id: 'base' });
});
