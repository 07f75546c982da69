// Launch specs through the real API, driven by taskcluster-client 1.6.3: the getLaunchSpecs
// answer, KeyName checked against the key pairs EC2 (moto) has, EC2's 16 KB user data limit,
// and launch spec keys reaching RunInstances.
import { CreateKeyPairCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { launchActivities, type LaunchOutcome } from '../../activities/launch';
import type { Offering } from '../../src/domain/offerings';
import { buildActivityDeps } from '../../src/worker/worker';
import { FIXTURE_SECURITY_GROUP, fixtureAmis, workerTypeDefinition } from '../support/fixtures';
import { failure, startApiHarness, type ApiHarness } from '../support/api-harness';
import { userDataOf } from '../support/moto-inspect';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const EC2_USER_DATA_LIMIT = 16384;
/** A price JSON writes with 24 characters, the most a non-negative number takes. */
const WIDEST_PRICE = 0.0000012345678901234567;

const decoded = (launchSpec: Json) => JSON.parse(Buffer.from(launchSpec.UserData, 'base64').toString('utf8'));
const regionEntry = (region: string, extra: Json = {}) =>
  ({ region, launchSpec: { ImageId: fixtureAmis[region]!, ...extra }, secrets: {}, userData: {}, scopes: [] });
const typeEntry = (instanceType: string, capacity: number, extra: Json = {}) =>
  ({ instanceType, capacity, utility: capacity, launchSpec: {}, secrets: {}, userData: {}, scopes: [], ...extra });
/** A key pair name no other test file uses: moto is shared. */
const keyName = (name: string) => `${h.config.provisionerId}-${name}`;
const createKeyPair = (region: string, name: string) => h.env.rawEc2(region).send(new CreateKeyPairCommand({ KeyName: name }));

describe('getLaunchSpecs', () => {
  test('gives, per region and instance type, the launch spec and the whole user data object', async () => {
    const p = h.provisioner();
    const wt = await p.createWorkerType('specs', workerTypeDefinition());
    const secretsBefore = await h.db.secret.count();
    const specs = await p.getLaunchSpecs('specs');
    expect(Object.keys(specs).sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(Object.keys(specs['us-west-2']).sort()).toEqual(['c5.2xlarge', 'c5.xlarge']);
    const info = specs['us-west-2']['c5.2xlarge'];
    expect(Object.keys(info).sort()).toEqual(['instanceUserData', 'launchSpec', 'scopes', 'secrets', 'securityToken', 'userData', 'workerType']);
    expect(info.launchSpec).toMatchObject({ ImageId: fixtureAmis['us-west-2'], InstanceType: 'c5.2xlarge', SecurityGroups: ['docker-worker'] });
    expect(info.instanceUserData).toStrictEqual({
      availabilityZone: 'us-west-2a', capacity: 2, data: { dockerConfig: { allowPrivileged: false } }, instanceType: 'c5.2xlarge',
      lastModified: wt.lastModified, launchSpecGenerated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), price: 1,
      provisionerBaseUrl: `${h.config.publicUrl}/v1`, provisionerId: h.config.provisionerId, region: 'us-west-2',
      securityToken: info.securityToken, spotBid: 1, taskclusterRootUrl: h.config.taskclusterRootUrl, workerType: 'specs',
    });
    expect(decoded(info.launchSpec)).toStrictEqual(info.instanceUserData);
    expect(info).toMatchObject({ userData: info.instanceUserData.data, secrets: {}, scopes: [], workerType: 'specs' });
    // The token is a placeholder: the same every time, and no secret is stored for it.
    const again = await p.getLaunchSpecs('specs');
    expect(again['us-east-1']['c5.xlarge'].instanceUserData.securityToken).toBe(info.securityToken);
    expect(await h.db.secret.count()).toBe(secretsBefore);
  });

  test('the API document publishes that answer, every user data field included', async () => {
    const doc = await (await fetch(`${h.url}/v1/openapi.json`)).json() as Json;
    const answer: Json = doc.paths['/worker-type/{workerType}/launch-specifications'].get.responses['200'].content['application/json'].schema;
    const byType = Object.values(answer.patternProperties)[0] as Json;
    const slot = Object.values(byType.patternProperties)[0] as Json;
    expect([...slot.required].sort()).toEqual(['instanceUserData', 'launchSpec', 'scopes', 'secrets', 'securityToken', 'userData', 'workerType']);
    expect([...slot.properties.instanceUserData.required].sort()).toEqual([
      'availabilityZone', 'capacity', 'data', 'instanceType', 'lastModified', 'launchSpecGenerated', 'price',
      'provisionerBaseUrl', 'provisionerId', 'region', 'securityToken', 'spotBid', 'taskclusterRootUrl', 'workerType',
    ]);
  });
});

describe('KeyName', () => {
  test('a key pair EC2 does not have is a 400 naming it and the region, and nothing is stored', async () => {
    const missing = keyName('missing');
    const def = workerTypeDefinition({ launchSpec: { SecurityGroups: [FIXTURE_SECURITY_GROUP], KeyName: missing } });
    const err = await failure(h.provisioner().createWorkerType('no-key', def));
    expect(err).toMatchObject({ status: 400, code: 'InputError' });
    expect(err.message).toContain(`key pair(s) ${missing} not found in us-west-2`);
    expect(err.message).toContain(`key pair(s) ${missing} not found in us-east-1`);
    expect(await h.db.workerType.count({ where: { name: 'no-key' } })).toBe(0);
  });

  test('set in a region or an instance type, it is checked in each region it applies to', async () => {
    const p = h.provisioner();
    const west = keyName('west');
    const both = keyName('both');
    await createKeyPair('us-west-2', west);
    await Promise.all(['us-west-2', 'us-east-1'].map((region) => createKeyPair(region, both)));
    // An instance type applies in every region: `west` is missing in us-east-1.
    const everywhere = workerTypeDefinition({ instanceTypes: [typeEntry('c5.xlarge', 1), typeEntry('c5.2xlarge', 2, { launchSpec: { KeyName: west } })] });
    const err = await failure(p.createWorkerType('keyed', everywhere));
    expect(err).toMatchObject({ status: 400, message: expect.stringContaining(`key pair(s) ${west} not found in us-east-1`) });
    expect(err.message).not.toContain('in us-west-2');

    await p.createWorkerType('keyed', workerTypeDefinition({
      regions: [regionEntry('us-west-2', { KeyName: west }), regionEntry('us-east-1')],
      instanceTypes: [typeEntry('c5.xlarge', 1), typeEntry('c5.2xlarge', 2, { launchSpec: { KeyName: both } })],
    }));
    const specs = await p.getLaunchSpecs('keyed');
    expect(specs['us-west-2']['c5.xlarge'].launchSpec.KeyName).toBe(west);
    expect(specs['us-west-2']['c5.2xlarge'].launchSpec.KeyName).toBe(both);
    expect(specs['us-east-1']['c5.xlarge'].launchSpec).not.toHaveProperty('KeyName');
    expect(specs['us-east-1']['c5.2xlarge'].launchSpec.KeyName).toBe(both);
  });
});

describe(`EC2's limit of ${EC2_USER_DATA_LIMIT} bytes of user data`, () => {
  // Names of one length: the worker type's name is in its user data too.
  const [OVER, AT, UNDER] = ['size-over', 'size-at-1', 'size-undr'];
  /** `pad` bytes of user data in c5.2xlarge only. */
  const padded = (pad: number) => workerTypeDefinition({
    instanceTypes: [typeEntry('c5.xlarge', 1), typeEntry('c5.2xlarge', 2, { userData: { pad: 'x'.repeat(pad) } })],
  });
  const where = (region: string) => `user data for instance type c5.2xlarge in region ${region} is`;

  test('over it is a 400 naming the limit, the region and the instance type; nothing is stored; at or under it is accepted', async () => {
    const p = h.provisioner();
    const huge = await failure(p.createWorkerType(OVER, padded(20000)));
    expect(huge).toMatchObject({ status: 400, code: 'InputError' });
    expect(huge.message).toContain(`EC2 accepts at most ${EC2_USER_DATA_LIMIT} bytes of user data before base64 encoding`);
    expect(huge.message).toContain(where('us-east-1'));
    expect(huge.message).not.toContain('instance type c5.xlarge');
    const reported = Number(new RegExp(`${where('us-west-2')} (\\d+) bytes`).exec(huge.message)?.[1]);
    const atLimit = 20000 - (reported - EC2_USER_DATA_LIMIT);

    const over = await failure(p.createWorkerType(OVER, padded(atLimit + 1)));
    expect(over).toMatchObject({ status: 400, message: expect.stringContaining(`${where('us-west-2')} ${EC2_USER_DATA_LIMIT + 1} bytes`) });
    expect(await h.db.workerType.count({ where: { name: OVER } })).toBe(0);

    await p.createWorkerType(UNDER, padded(atLimit - 1));
    await p.createWorkerType(AT, padded(atLimit));
    const info = (await p.getLaunchSpecs(AT))['us-west-2']['c5.2xlarge'];
    const sent = Buffer.from(info.launchSpec.UserData, 'base64');
    expect(sent.length).toBeLessThanOrEqual(EC2_USER_DATA_LIMIT);
    // Counted at the widest prices a launch may write, it is exactly at the limit.
    const widest = { ...info.instanceUserData, price: WIDEST_PRICE, spotBid: WIDEST_PRICE };
    expect(Buffer.byteLength(JSON.stringify(widest), 'utf8')).toBe(EC2_USER_DATA_LIMIT);

    const update = await failure(p.updateWorkerType(AT, padded(atLimit + 1)));
    expect(update).toMatchObject({ status: 400, message: expect.stringContaining(`${EC2_USER_DATA_LIMIT + 1} bytes`) });
    expect((await p.workerType(AT)).instanceTypes[1].userData.pad).toHaveLength(atLimit);
  });
});

describe('launch spec keys reach RunInstances', () => {
  test('MetadataOptions and KeyName from the definition are on the instance; an on-demand spotBid is its price', async () => {
    const key = keyName('launch');
    await createKeyPair('us-west-2', key);
    await h.provisioner().createWorkerType('imdsv2', workerTypeDefinition({
      launchSpec: { SecurityGroups: [FIXTURE_SECURITY_GROUP], MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } },
      regions: [regionEntry('us-west-2', { KeyName: key }), regionEntry('us-east-1')],
    }));
    const offering: Offering = {
      region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', market: 'on-demand', capacity: 1, utility: 1,
      price: 0.17, pricePerUtility: 0.17, maxHourlyPrice: 0.5,
    };
    const { launchInstance } = launchActivities(buildActivityDeps(h.config, h.db, { ec2: h.env.ec2 }));
    const activityEnv = new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') });
    const outcome: LaunchOutcome = await activityEnv.run(launchInstance, {
      workerType: 'imdsv2', clientToken: `${h.config.provisionerId}-imdsv2`, offering,
    });
    if (outcome.outcome !== 'launched') throw new Error(`not launched: ${JSON.stringify(outcome)}`);
    try {
      const raw = h.env.rawEc2('us-west-2');
      const out = await raw.send(new DescribeInstancesCommand({ InstanceIds: [outcome.instanceId] }));
      const instance = out.Reservations?.[0]?.Instances?.[0];
      expect(instance).toMatchObject({ KeyName: key, MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } });
      expect(instance?.InstanceLifecycle).toBeUndefined();
      expect(instance?.Tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'imdsv2' }]));
      expect(await userDataOf(raw, outcome.instanceId)).toMatchObject({ workerType: 'imdsv2', spotBid: 0.17, price: 0.17 });
    } finally {
      await h.env.ec2.terminateInstances('us-west-2', [outcome.instanceId]);
    }
  });
});
