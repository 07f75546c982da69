// spotPriceHistory, availabilityZones, missingImages, missingSecurityGroups and
// missingKeyPairs against moto behind the strict proxy.
import { CreateKeyPairCommand, CreateSecurityGroupCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { MOTO_SETUP_TIMEOUT_MS, REGION, builtInLinuxImage, startEc2TestEnv, type Ec2TestEnv } from './ec2-harness';

let env: Ec2TestEnv;
let imageId: string;

beforeAll(async () => {
  env = await startEc2TestEnv({ pageSize: 5 });
  imageId = await builtInLinuxImage(env.direct());
}, MOTO_SETUP_TIMEOUT_MS);

afterAll(async () => {
  await env?.close();
});

beforeEach(() => env.proxy.reset());

describe('spotPriceHistory', () => {
  const prices = [
    { region: REGION, zone: 'us-west-2a', instanceType: 'm5.large', price: 0.031 },
    { region: REGION, zone: 'us-west-2b', instanceType: 'm5.large', price: 0.029 },
    { region: REGION, zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.0712 },
    { region: 'us-east-1', zone: 'us-east-1a', instanceType: 'm5.large', price: 0.05 },
  ];

  it('reads the prices served for the region and types, over several pages', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ region: REGION, zone: 'us-west-2c', instanceType: `t3.n${i}`, price: 0.01 + i / 1000 }));
    env.proxy.setSpotPrices([...prices, ...many]);
    const since = new Date(Date.now() - 60_000);
    const all = await env.gateway.spotPriceHistory(REGION, since);
    expect(all).toHaveLength(15);
    // 15 prices at 5 a page.
    expect(env.proxy.counts(REGION).DescribeSpotPriceHistory).toBe(3);
    const some = await env.gateway.spotPriceHistory(REGION, since, ['m5.large', 'c5.xlarge']);
    expect(some.map(({ zone, instanceType, price }) => ({ zone, instanceType, price }))).toEqual([
      { zone: 'us-west-2a', instanceType: 'm5.large', price: 0.031 },
      { zone: 'us-west-2b', instanceType: 'm5.large', price: 0.029 },
      { zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.0712 },
    ]);
    for (const observation of some) {
      expect(observation.region).toBe(REGION);
      expect(Date.parse(observation.timestamp)).toBeGreaterThanOrEqual(since.getTime());
    }
  });

  it("passes moto's own constant answer through when no prices are set", async () => {
    const observed = await env.gateway.spotPriceHistory(REGION, new Date(), ['m5.large']);
    expect(observed.length).toBeGreaterThan(0);
    expect(observed[0]).toMatchObject({ region: REGION, instanceType: 'm5.large', price: 0.00001 });
  });

  it('classifies a throttled read', async () => {
    env.proxy.injectFault({ action: 'DescribeSpotPriceHistory', code: 'RequestLimitExceeded', times: 2 });
    await expect(env.gateway.spotPriceHistory(REGION, new Date())).rejects.toMatchObject({ name: 'Ec2Error', kind: 'throttled' });
  });
});

describe('availabilityZones', () => {
  it("lists the region's available zones, sorted", async () => {
    const zones = await env.gateway.availabilityZones(REGION);
    expect(zones).toEqual(expect.arrayContaining(['us-west-2a', 'us-west-2b', 'us-west-2c']));
    expect(zones).toEqual([...zones].sort());
    expect(zones.every((z) => z.startsWith(REGION))).toBe(true);
  });
});

describe('missingImages', () => {
  it('names only the AMIs that do not exist', async () => {
    await expect(env.gateway.missingImages(REGION, [imageId, 'ami-12345678', imageId])).resolves.toEqual(['ami-12345678']);
    await expect(env.gateway.missingImages(REGION, [imageId])).resolves.toEqual([]);
    await expect(env.gateway.missingImages(REGION, [])).resolves.toEqual([]);
  });

  it('asks once per 100 ids', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `ami-${i.toString(16).padStart(8, '0')}`);
    await expect(env.gateway.missingImages(REGION, ids)).resolves.toHaveLength(150);
    expect(env.proxy.counts().DescribeImages).toBe(2);
  });
});

describe('missingSecurityGroups', () => {
  it('names only the groups no VPC of the region has', async () => {
    const vpc = await env.direct().send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    await env.direct().send(new CreateSecurityGroupCommand({
      GroupName: 'docker-worker', Description: 'workers', VpcId: vpc.Vpc?.VpcId,
    }));
    await expect(env.gateway.missingSecurityGroups(REGION, ['default', 'docker-worker', 'no-such-group']))
      .resolves.toEqual(['no-such-group']);
    await expect(env.gateway.missingSecurityGroups('eu-central-1', ['docker-worker'])).resolves.toEqual(['docker-worker']);
  });
});

describe('missingKeyPairs', () => {
  it('names only the key pairs the region does not have, in one call per 100 names', async () => {
    await env.direct().send(new CreateKeyPairCommand({ KeyName: 'catalog-worker-key' }));
    await expect(env.gateway.missingKeyPairs(REGION, ['catalog-worker-key', 'no-such-key', 'catalog-worker-key']))
      .resolves.toEqual(['no-such-key']);
    await expect(env.gateway.missingKeyPairs('eu-central-1', ['catalog-worker-key'])).resolves.toEqual(['catalog-worker-key']);
    await expect(env.gateway.missingKeyPairs(REGION, [])).resolves.toEqual([]);
    env.proxy.reset();
    const names = Array.from({ length: 150 }, (_, i) => `absent-${i}`);
    await expect(env.gateway.missingKeyPairs(REGION, names)).resolves.toHaveLength(150);
    expect(env.proxy.counts().DescribeKeyPairs).toBe(2);
  });
});

describe('region names', () => {
  it('refuses a string that is not a region as invalid, without calling EC2', async () => {
    await expect(env.gateway.availabilityZones('us-west-2.evil.example')).rejects.toMatchObject({
      name: 'Ec2Error', kind: 'invalid', code: 'InvalidRegion',
    });
    expect(env.proxy.counts()).toEqual({});
  });
});
