// runInstance against moto behind the strict proxy.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { createEc2Clients } from '../../src/aws/ec2-clients';
import { createEc2Gateway, type RunInstanceRequest } from '../../src/aws/ec2-gateway';
import { Ec2Error } from '../../src/aws/errors';
import { REGION, useEc2TestEnv } from './ec2-harness';

const shared = useEc2TestEnv();

const SECRET_USER_DATA = Buffer.from(JSON.stringify({ securityToken: 'very-secret-token-value' })).toString('base64');

function request(overrides: Partial<RunInstanceRequest> = {}, spec: Record<string, unknown> = {}): RunInstanceRequest {
  return {
    region: REGION,
    clientToken: `launch-${randomUUID()}`,
    launchSpec: { ImageId: shared.imageId, InstanceType: 'm5.large', UserData: SECRET_USER_DATA, Placement: { AvailabilityZone: 'us-west-2b' }, ...spec },
    market: 'spot',
    maxPrice: 0.25,
    tags: { WorkerType: 'ami-test', Name: 'ami-test' },
    ...overrides,
  };
}

async function describe1(instanceId: string) {
  const out = await shared.env.direct().send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = out.Reservations?.[0]?.Instances?.[0];
  if (!instance) throw new Error(`no instance ${instanceId}`);
  return instance;
}

/** Ids of the instances launched with `clientToken` (moto has no `client-token` filter). */
async function launchedWith(clientToken: string): Promise<string[]> {
  const out = await shared.env.direct().send(new DescribeInstancesCommand({ MaxResults: 1000 }));
  const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return instances.filter((i) => i.ClientToken === clientToken).map((i) => i.InstanceId ?? '');
}

async function failure(promise: Promise<unknown>): Promise<Ec2Error> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Ec2Error);
  return err as Ec2Error;
}

describe('runInstance', () => {
  it('launches a spot instance, tagging it and its volumes and keeping the user data', async () => {
    const req = request();
    const launched = await shared.env.gateway.runInstance(req);
    expect(launched).toEqual({
      instanceId: expect.stringMatching(/^i-[0-9a-f]+$/), zone: 'us-west-2b', instanceType: 'm5.large',
      state: expect.stringMatching(/^(pending|running)$/), launchTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const instance = await describe1(launched.instanceId);
    expect(instance.InstanceLifecycle).toBe('spot');
    expect(instance.ClientToken).toBe(req.clientToken);
    expect(instance.Tags).toEqual(expect.arrayContaining([{ Key: 'WorkerType', Value: 'ami-test' }, { Key: 'Name', Value: 'ami-test' }]));
    const volumes = await shared.env.direct().send(new DescribeVolumesCommand({
      Filters: [{ Name: 'attachment.instance-id', Values: [launched.instanceId] }],
    }));
    expect(volumes.Volumes).toHaveLength(1);
    expect(volumes.Volumes?.[0]?.Tags).toEqual(expect.arrayContaining([{ Key: 'WorkerType', Value: 'ami-test' }]));
    const userData = await shared.env.direct().send(new DescribeInstanceAttributeCommand({ InstanceId: launched.instanceId, Attribute: 'userData' }));
    expect(userData.UserData?.Value).toBe(SECRET_USER_DATA);
  });

  it('launches an on-demand instance with the original spec keys translated', async () => {
    const launched = await shared.env.gateway.runInstance(request(
      { market: 'on-demand', maxPrice: undefined },
      { MonitoringEnabled: true, EbsOptimized: true, AddressingType: 'private' },
    ));
    const instance = await describe1(launched.instanceId);
    expect(instance.InstanceLifecycle).toBeUndefined();
    expect(instance.Monitoring?.State).toBe('enabled');
    expect(instance.EbsOptimized).toBe(true);
  });

  it('launches once for the same client token, as EC2 does', async () => {
    const req = request();
    const first = await shared.env.gateway.runInstance(req);
    const again = await shared.env.gateway.runInstance(req);
    const concurrent = await Promise.all([shared.env.gateway.runInstance(req), shared.env.gateway.runInstance(req)]);
    expect([again, ...concurrent].map((i) => i.instanceId)).toEqual([first.instanceId, first.instanceId, first.instanceId]);
    expect(shared.env.proxy.counts(REGION).RunInstances).toBe(4);
    expect(await launchedWith(req.clientToken)).toEqual([first.instanceId]);
  });

  it('refuses the same client token with other parameters (IdempotentParameterMismatch, invalid)', async () => {
    const req = request();
    await shared.env.gateway.runInstance(req);
    const err = await failure(shared.env.gateway.runInstance({ ...req, tags: { WorkerType: 'other' } }));
    expect(err).toMatchObject({ kind: 'invalid', code: 'IdempotentParameterMismatch', operation: 'RunInstances' });
    expect(err.message).not.toContain(req.clientToken);
  });

  it('gives a timed-out launch retried with its token the instance the first attempt started', async () => {
    const impatient = createEc2Clients({
      endpoint: shared.env.proxy.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1, requestTimeoutMs: 300,
    });
    try {
      shared.env.proxy.injectDelay({ action: 'RunInstances', ms: 1_000 });
      const req = request();
      const err = await failure(createEc2Gateway(impatient).runInstance(req));
      expect(err.kind).toBe('transient');
      const retried = await shared.env.gateway.runInstance(req);
      await shared.env.proxy.settled();
      expect(await launchedWith(req.clientToken)).toEqual([retried.instanceId]);
    } finally {
      impatient.destroy();
    }
  });
});

describe('runInstance errors', () => {
  it.each([
    ['an unknown AMI', { ImageId: 'ami-12345678' }, 'InvalidAMIID.NotFound'],
    ['an unknown key pair', { KeyName: 'no-such-key' }, 'InvalidKeyPair.NotFound'],
    ['an unknown instance type', { InstanceType: 'm5.gigantic' }, 'InvalidInstanceType.NotFound'],
    ['an unknown subnet', { SubnetId: 'subnet-12345678' }, 'InvalidSubnetID.NotFound'],
  ])('classifies moto refusing %s as invalid, with no secret in the message', async (_what, spec, code) => {
    const req = request({}, spec);
    const err = await failure(shared.env.gateway.runInstance(req));
    expect(err).toMatchObject({ kind: 'invalid', code, httpStatus: 400 });
    expect(err.message).not.toContain(req.clientToken);
    expect(err.message).not.toContain(SECRET_USER_DATA);
    expect(shared.env.proxy.counts().RunInstances).toBe(1);
  });

  it('classifies InsufficientInstanceCapacity as capacity; the SDK tries twice; the token is usable afterwards', async () => {
    shared.env.proxy.injectFault({ action: 'RunInstances', code: 'InsufficientInstanceCapacity', times: 2 });
    const req = request();
    const err = await failure(shared.env.gateway.runInstance(req));
    expect(err).toMatchObject({ kind: 'capacity', code: 'InsufficientInstanceCapacity', httpStatus: 500 });
    expect(shared.env.proxy.counts().RunInstances).toBe(2);
    await expect(shared.env.gateway.runInstance(req)).resolves.toMatchObject({ zone: 'us-west-2b' });
  });

  it('classifies RequestLimitExceeded as throttled', async () => {
    shared.env.proxy.injectFault({ action: 'RunInstances', code: 'RequestLimitExceeded', times: 2 });
    const err = await failure(shared.env.gateway.runInstance(request()));
    expect(err).toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded', httpStatus: 503 });
  });

  it('recovers within one call when a throttle lasts a single attempt', async () => {
    shared.env.proxy.injectFault({ action: 'RunInstances', code: 'RequestLimitExceeded' });
    await expect(shared.env.gateway.runInstance(request())).resolves.toMatchObject({ instanceType: 'm5.large' });
    expect(shared.env.proxy.counts().RunInstances).toBe(2);
  });

  it('refuses a launch spec with unknown or reserved keys before calling EC2', async () => {
    const err = await failure(shared.env.gateway.runInstance(request({}, { MinCount: 3, SecurityGroupz: ['x'] })));
    expect(err).toMatchObject({ kind: 'invalid', code: 'UnexpectedParameter' });
    expect(err.message).toContain('SecurityGroupz');
    expect(shared.env.proxy.counts().RunInstances).toBeUndefined();
  });
});

describe('the test proxy', () => {
  it('rejects a RunInstances without ClientToken with 400 MissingParameter', async () => {
    const body = `Action=RunInstances&Version=2016-11-15&ImageId=${shared.imageId}&InstanceType=m5.large&MinCount=1&MaxCount=1`;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${shared.env.proxy.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(400);
    expect(text).toContain('<Code>MissingParameter</Code>');
  });
});
