// Worker type methods driven by the real taskcluster-client 1.6.3 against the real API.
import { CreateWorkerTypeRequest } from '../../src/api/schemas/worker-type';
import { workerTypeDefinition } from '../support/fixtures';
import { withEveryChange } from '../support/partial-updates';
import { failure, startApiHarness, type ApiHarness } from '../support/api-harness';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

describe('createWorkerType / workerType / updateWorkerType', () => {
  test('creates, reads back and is idempotent', async () => {
    const p = h.provisioner();
    const created = await p.createWorkerType('builder', workerTypeDefinition());
    expect(created).toMatchObject({ workerType: 'builder', maxCapacity: 20, minCapacity: 0, canUseSpot: true });
    expect(Date.parse(created.lastModified)).not.toBeNaN();
    expect(await p.workerType('builder')).toEqual(created);
    const again = await p.createWorkerType('builder', workerTypeDefinition({ description: 'other words' }));
    expect(again.lastModified).toBe(created.lastModified);
  });

  test('a different definition under an existing name is a 409 and changes nothing', async () => {
    const p = h.provisioner();
    await p.createWorkerType('conflicted', workerTypeDefinition());
    const err = await failure(p.createWorkerType('conflicted', workerTypeDefinition({ maxCapacity: 3 })));
    expect(err).toMatchObject({ status: 409, code: 'RequestConflict' });
    expect((await p.workerType('conflicted')).maxCapacity).toBe(20);
  });

  test('optional fields take their defaults', async () => {
    const def = workerTypeDefinition();
    for (const key of ['minCapacity', 'canUseOndemand', 'canUseSpot', 'availabilityZones']) delete def[key];
    const created = await h.provisioner().createWorkerType('defaults', def);
    expect(created).toMatchObject({ minCapacity: 0, canUseOndemand: false, canUseSpot: true, availabilityZones: [] });
  });

  test('every field of the request schema is stored and read back (none dropped on save)', async () => {
    const def = workerTypeDefinition({ ...withEveryChange(), canUseSpot: false, minPrice: 0.01, scalingRatio: 0.5 });
    expect(Object.keys(def).sort()).toEqual(Object.keys(CreateWorkerTypeRequest.properties).sort());
    const p = h.provisioner();
    await p.createWorkerType('every-field', def);
    const { workerType, lastModified, ...read } = await p.workerType('every-field');
    expect({ workerType, lastModified: typeof lastModified }).toEqual({ workerType: 'every-field', lastModified: 'string' });
    expect(read).toEqual(def);
  });

  test('update replaces the definition and moves lastModified', async () => {
    const p = h.provisioner();
    const created = await p.createWorkerType('updated', workerTypeDefinition());
    h.advanceClock(1000);
    const updated = await p.updateWorkerType('updated', workerTypeDefinition({ maxCapacity: 15 }));
    expect(updated.maxCapacity).toBe(15);
    expect(Date.parse(updated.lastModified)).toBeGreaterThan(Date.parse(created.lastModified));
    expect((await p.workerType('updated')).maxCapacity).toBe(15);
    const lm = await p.workerTypeLastModified('updated');
    expect(lm).toEqual({ workerType: 'updated', lastModified: updated.lastModified });
  });

  test('an update is validated as it will be stored, with the optional fields it leaves out', async () => {
    const p = h.provisioner();
    await p.createWorkerType('merged', workerTypeDefinition({ minCapacity: 5 }));
    const body = workerTypeDefinition({ maxCapacity: 2 });
    delete body.minCapacity;
    const err = await failure(p.updateWorkerType('merged', body));
    expect(err).toMatchObject({ status: 400, code: 'InputError' });
    expect(err.message).toContain('minCapacity: must not exceed maxCapacity');
    expect(await p.workerType('merged')).toMatchObject({ minCapacity: 5, maxCapacity: 20 });
  });

  test('an AMI or a security group EC2 does not have is a 400 naming it, and nothing is stored', async () => {
    const p = h.provisioner();
    const regions = (workerTypeDefinition().regions as Array<Record<string, unknown>>).map((r, i) =>
      (i === 0 ? { ...r, launchSpec: { ImageId: 'ami-0badbadbadbadbad0' } } : r));
    const noAmi = await failure(p.createWorkerType('no-ami', workerTypeDefinition({ regions })));
    expect(noAmi).toMatchObject({ status: 400, code: 'InputError' });
    expect(noAmi.message).toContain('ami-0badbadbadbadbad0 not found in us-west-2');
    const noGroup = await failure(p.createWorkerType('no-group', workerTypeDefinition({ launchSpec: { SecurityGroups: ['no-such-group'] } })));
    expect(noGroup.message).toContain('security group(s) no-such-group not found');
    expect(await h.db.workerType.count({ where: { name: { in: ['no-ami', 'no-group'] } } })).toBe(0);
  });

  test('missing worker types are 404, not 500', async () => {
    const p = h.provisioner();
    for (const call of [p.workerType('nope'), p.workerTypeLastModified('nope'), p.getLaunchSpecs('nope'),
      p.updateWorkerType('nope', workerTypeDefinition())]) {
      expect(await failure(call)).toMatchObject({ status: 404, code: 'ResourceNotFound' });
    }
  });
});

describe('removeWorkerType / listWorkerTypes', () => {
  test('remove is idempotent and the list follows', async () => {
    const p = h.provisioner();
    await p.createWorkerType('zz-removed', workerTypeDefinition());
    expect(await p.listWorkerTypes()).toContain('zz-removed');
    await p.removeWorkerType('zz-removed');
    await p.removeWorkerType('zz-removed');
    expect(await p.listWorkerTypes()).not.toContain('zz-removed');
    expect((await failure(p.workerType('zz-removed'))).status).toBe(404);
  });

  test('names are listed in lexicographic order', async () => {
    const names: string[] = await h.provisioner().listWorkerTypes();
    expect(names.length).toBeGreaterThan(1);
    expect([...names].sort()).toEqual(names);
  });
});

describe('listWorkerTypeSummaries', () => {
  test('capacities come from the instance ledger; running means registered', async () => {
    const p = h.provisioner();
    await p.createWorkerType('summarised', workerTypeDefinition({ minCapacity: 1 }));
    const row = { workerType: 'summarised', region: 'us-west-2', zone: 'us-west-2a', market: 'spot', price: 0.1 };
    await h.db.instance.createMany({ data: [
      { ...row, clientToken: 't1', instanceType: 'c5.xlarge', capacity: 1, state: 'running', registered: new Date() },
      { ...row, clientToken: 't2', instanceType: 'c5.2xlarge', capacity: 2, state: 'running', registered: new Date() },
      { ...row, clientToken: 't3', instanceType: 'c5.xlarge', capacity: 1, state: 'running' },
      { ...row, clientToken: 't4', instanceType: 'c5.2xlarge', capacity: 2, state: 'requested' },
      { ...row, clientToken: 't5', instanceType: 'c5.2xlarge', capacity: 2, state: 'terminated' },
    ] });
    const summaries: Array<Record<string, unknown>> = await p.listWorkerTypeSummaries();
    expect(summaries.find((s) => s.workerType === 'summarised')).toEqual({
      workerType: 'summarised', minCapacity: 1, maxCapacity: 20, runningCapacity: 3, pendingCapacity: 1, requestedCapacity: 2,
    });
    expect(summaries.find((s) => s.workerType === 'builder')).toMatchObject({ runningCapacity: 0, pendingCapacity: 0 });
  });
});

describe('authentication and scopes', () => {

  test('a client without the scope gets 403; with it, success', async () => {
    const creds = await h.addClient('team-a', ['aws-provisioner:manage-worker-type:team-a-*']);
    const p = h.provisioner(creds);
    expect(await failure(p.createWorkerType('other-team', workerTypeDefinition()))).toMatchObject({ status: 403, code: 'InsufficientScopes' });
    expect(await h.db.workerType.count({ where: { name: 'other-team' } })).toBe(0);
    await expect(p.createWorkerType('team-a-linux', workerTypeDefinition())).resolves.toMatchObject({ workerType: 'team-a-linux' });
    expect(await failure(p.removeWorkerType('builder'))).toMatchObject({ status: 403 });
  });

  test('a bad signature, an unknown client or no credentials get 401 without a hint', async () => {
    const wrongKey = h.provisioner({ clientId: 'root', accessToken: 'not-the-root-token-at-all' });
    const unknown = h.provisioner({ clientId: 'nobody', accessToken: 'whatever-token-whatever' });
    const anonymous = h.provisioner(null);
    for (const p of [wrongKey, unknown]) {
      expect(await failure(p.createWorkerType('denied', workerTypeDefinition()))).toEqual({
        status: 401, code: 'AuthenticationFailed', message: 'Authentication failed.',
      });
    }
    expect((await failure(anonymous.createWorkerType('denied', workerTypeDefinition()))).status).toBe(401);
    expect(await h.db.workerType.count({ where: { name: 'denied' } })).toBe(0);
  });

  test('anonymous methods need no credentials', async () => {
    await expect(h.provisioner(null).ping()).resolves.toMatchObject({ alive: true });
    await expect(h.provisioner(null).workerType('builder')).resolves.toMatchObject({ workerType: 'builder' });
  });
});
