// The translation of a launch request into RunInstances input.
import type { RunInstanceRequest } from '../../src/aws/ec2-gateway';
import { formatPrice, runInstancesInput } from '../../src/aws/run-instances-input';
import { DEFINITION_KEYS, launchSpecKeyKind, type JsonKind } from '../../src/domain/launch-spec-keys';

function request(overrides: Partial<RunInstanceRequest> = {}, spec: Record<string, unknown> = {}): RunInstanceRequest {
  return {
    region: 'us-west-2',
    clientToken: 'wt-1:7:us-west-2:0',
    launchSpec: { ImageId: 'ami-12345678', InstanceType: 'm5.large', UserData: 'e30=', ...spec },
    market: 'spot',
    maxPrice: 0.2,
    tags: { WorkerType: 'wt-1' },
    ...overrides,
  };
}

describe('runInstancesInput', () => {
  it('launches exactly one instance with the token, the spot options and tags on instance and volumes', () => {
    expect(runInstancesInput(request())).toEqual({
      ImageId: 'ami-12345678', InstanceType: 'm5.large', UserData: 'e30=',
      MinCount: 1, MaxCount: 1, ClientToken: 'wt-1:7:us-west-2:0',
      InstanceMarketOptions: {
        MarketType: 'spot',
        SpotOptions: { MaxPrice: '0.2', SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
      },
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'WorkerType', Value: 'wt-1' }] },
        { ResourceType: 'volume', Tags: [{ Key: 'WorkerType', Value: 'wt-1' }] },
      ],
    });
  });

  it('leaves out market options for on-demand, and tag specifications without tags', () => {
    const input = runInstancesInput(request({ market: 'on-demand', tags: {} }));
    expect(input.InstanceMarketOptions).toBeUndefined();
    expect(input.TagSpecifications).toBeUndefined();
  });

  it('lets EC2 cap a spot price when no maxPrice is given', () => {
    expect(runInstancesInput(request({ maxPrice: undefined })).InstanceMarketOptions?.SpotOptions?.MaxPrice).toBeUndefined();
  });

  it('translates the original keys and passes the rest through', () => {
    const spec = {
      MonitoringEnabled: true, AddressingType: 'public', SecurityGroups: ['docker-worker'], SecurityGroupIds: ['sg-1'],
      SubnetId: 'subnet-1', KeyName: 'k', Placement: { AvailabilityZone: 'us-west-2a', Tenancy: 'default' },
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 40 } }], IamInstanceProfile: { Name: 'worker' },
      EbsOptimized: true, KernelId: 'aki-1', RamdiskId: 'ari-1', MetadataOptions: { HttpTokens: 'required' },
    };
    const input = runInstancesInput(request({}, spec));
    expect(input).toMatchObject({
      Monitoring: { Enabled: true }, SecurityGroups: ['docker-worker'], SecurityGroupIds: ['sg-1'], SubnetId: 'subnet-1',
      KeyName: 'k', Placement: { AvailabilityZone: 'us-west-2a', Tenancy: 'default' }, IamInstanceProfile: { Name: 'worker' },
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 40 } }], EbsOptimized: true,
      KernelId: 'aki-1', RamdiskId: 'ari-1', MetadataOptions: { HttpTokens: 'required' },
    });
    expect(input).not.toHaveProperty('AddressingType');
    expect(input).not.toHaveProperty('MonitoringEnabled');
  });

  it('accepts every key the definition rules accept, and sends it (AddressingType and MonitoringEnabled aside)', () => {
    const sample: Record<JsonKind, unknown> = { string: 's', boolean: true, number: 1, array: [], object: {} };
    const spec = Object.fromEntries(DEFINITION_KEYS.map((key) => [key, sample[launchSpecKeyKind(key)!]]));
    const input = runInstancesInput(request({}, spec));
    for (const key of DEFINITION_KEYS.filter((k) => k !== 'AddressingType' && k !== 'MonitoringEnabled')) {
      expect(input).toHaveProperty([key]);
    }
  });

  it.each<[string, Partial<RunInstanceRequest>, Record<string, unknown>, string, RegExp]>([
    ['an unknown key', {}, { SecurityGroupz: [] }, 'UnexpectedParameter', /SecurityGroupz is not a known/],
    ['a count', {}, { MaxCount: 5 }, 'UnexpectedParameter', /MaxCount is set by the provisioner/],
    ['its own tags', {}, { TagSpecifications: [] }, 'UnexpectedParameter', /TagSpecifications is set by the provisioner/],
    ['a mistyped key', {}, { SecurityGroups: 'docker-worker' }, 'UnexpectedParameter', /SecurityGroups must be of type array/],
    ['no ImageId', {}, { ImageId: undefined }, 'UnexpectedParameter', /ImageId is required/],
    ['an empty token', { clientToken: '' }, {}, 'InvalidClientToken', /1 to 64/],
    ['a 65-character token', { clientToken: 'x'.repeat(65) }, {}, 'InvalidClientToken', /1 to 64/],
    ['a non-ASCII token', { clientToken: 'tökén' }, {}, 'InvalidClientToken', /ASCII/],
    ['a zero price', { maxPrice: 0 }, {}, 'InvalidParameterValue', /positive/],
    ['a market', { market: 'reserved' as never }, {}, 'InvalidParameterValue', /market/],
  ])('refuses %s as invalid', (_case, overrides, spec, code, message) => {
    expect(() => runInstancesInput(request(overrides, spec))).toThrow(expect.objectContaining({ kind: 'invalid', code, message: expect.stringMatching(message) }));
  });

  it('never puts the token or user data in its messages', () => {
    const req = request({}, { Bogus: 1 });
    expect(() => runInstancesInput(req)).toThrow(expect.not.objectContaining({ message: expect.stringContaining('e30=') }));
    expect(() => runInstancesInput({ ...req, clientToken: `${'s'.repeat(70)}` })).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('sssss') }),
    );
  });
});

describe('formatPrice', () => {
  it.each<[number, string]>([[0.2, '0.2'], [1, '1'], [0.0000014, '0.000001'], [12.3456789, '12.345679'], [1e-7 * 15, '0.000002']])(
    '%d -> %s', (price, text) => {
      expect(formatPrice(price)).toBe(text);
    },
  );

  it('refuses prices EC2 cannot take', () => {
    for (const price of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-8]) expect(() => formatPrice(price)).toThrow();
  });
});
