import { createLaunchSpec, InvalidLaunchSpecError, type Bid } from '../../src/domain/launch-spec';
import { testLaunchSpecs } from '../../src/domain/launch-spec-matrix';
import type { JsonObject, RegionLaunchSpec, WorkerType } from '../../src/domain/worker-type';
import { CTX, makeInstanceType, makeRegion, makeWorkerType, makeZone } from './fixtures/worker-types';

const withGlobal = (extra: JsonObject): WorkerType =>
  makeWorkerType({ launchSpec: { SecurityGroups: ['docker-worker'], ...extra } });
const withRegion = (region: string, launchSpec: JsonObject): WorkerType => makeWorkerType({
  regions: [makeRegion('us-west-2'), makeRegion('us-east-1')]
    .map((r) => (r.region === region ? { ...r, launchSpec: launchSpec as RegionLaunchSpec } : r)),
});
const withType = (overrides: Parameters<typeof makeInstanceType>[1]): WorkerType =>
  makeWorkerType({ instanceTypes: [makeInstanceType('c3.xlarge', overrides), makeInstanceType('c3.2xlarge')] });
const withZone = (...zones: Parameters<typeof makeZone>[]): WorkerType =>
  makeWorkerType({ availabilityZones: zones.map((args) => makeZone(...args)) });
const AMI = { ImageId: 'ami-0aaaaaaa' };
/** The reason that follows a level's refused keys: every key of src/domain/launch-spec-keys.ts but the generated two, in its order. */
const allowedAt = (at: string) => `${at}: the allowed launch specification keys are ImageId, KeyName, SubnetId, KernelId, RamdiskId, SecurityGroups, SecurityGroupIds, `
  + 'BlockDeviceMappings, NetworkInterfaces, Placement, IamInstanceProfile, EbsOptimized, MonitoringEnabled, AddressingType, '
  + 'Monitoring, MetadataOptions, CreditSpecification, CpuOptions, HibernationOptions, EnclaveOptions, MaintenanceOptions, '
  + 'PrivateDnsNameOptions, InstanceInitiatedShutdownBehavior, PrivateIpAddress, Ipv6AddressCount';
const NOT_AN_OBJECT = undefined as unknown as JsonObject;

// Each definition breaks one rule (or two, to show that every reason is collected).
const invalid: [string, WorkerType, string[]][] = [
  ['duplicate instance type', makeWorkerType({ instanceTypes: [makeInstanceType('c3.xlarge'), makeInstanceType('c3.xlarge')] }),
    ['instanceTypes: instance type c3.xlarge appears more than once']],
  ['duplicate region', makeWorkerType({ regions: [makeRegion('us-west-2'), makeRegion('us-west-2')] }),
    ['regions: region us-west-2 appears more than once']],
  ['duplicate availability zone', withZone(['us-west-2a'], ['us-west-2a']),
    ['availabilityZones: availability zone us-west-2a appears more than once']],
  ['ImageId in the global launchSpec', withGlobal(AMI),
    ['launchSpec.ImageId is not allowed here; set it in regions[].launchSpec']],
  ['ImageId in an instance type launchSpec', withType({ launchSpec: AMI }),
    ['instanceTypes[c3.xlarge].launchSpec.ImageId is not allowed here; set it in regions[].launchSpec']],
  ['ImageId missing from a region', withRegion('us-east-1', {}),
    ['regions[us-east-1].launchSpec.ImageId is required']],
  ['empty ImageId in a region', withRegion('us-east-1', { ImageId: '' }),
    ['regions[us-east-1].launchSpec.ImageId must be a non-empty string']],
  ['non-string ImageId in a zone', withZone(['us-west-2a', { launchSpec: { ImageId: 7 } }]),
    ['availabilityZones[us-west-2a].launchSpec.ImageId must be a non-empty string']],
  ['InstanceType in the global launchSpec', withGlobal({ InstanceType: 'm5.large' }),
    ['launchSpec.InstanceType is not allowed; it is set from instanceTypes[].instanceType']],
  ['InstanceType in a region launchSpec', withRegion('us-east-1', { ...AMI, InstanceType: 'm5.large' }),
    ['regions[us-east-1].launchSpec.InstanceType is not allowed; it is set from instanceTypes[].instanceType']],
  ['InstanceType in a zone launchSpec', withZone(['us-west-2a', { launchSpec: { InstanceType: 'm5.large' } }]),
    ['availabilityZones[us-west-2a].launchSpec.InstanceType is not allowed; it is set from instanceTypes[].instanceType']],
  ['InstanceType in an instance type launchSpec', withType({ launchSpec: { InstanceType: 'm5.large' } }),
    ['instanceTypes[c3.xlarge].launchSpec.InstanceType is not allowed; it is set from instanceTypes[].instanceType']],
  ['UserData in the global launchSpec', withGlobal({ UserData: 'e30=' }),
    ['launchSpec.UserData is not allowed; put worker configuration in userData']],
  ['UserData in a region launchSpec', withRegion('us-west-2', { ...AMI, UserData: 'e30=' }),
    ['regions[us-west-2].launchSpec.UserData is not allowed; put worker configuration in userData']],
  ['UserData in a zone launchSpec', withZone(['us-west-2a', { launchSpec: { UserData: 'e30=' } }]),
    ['availabilityZones[us-west-2a].launchSpec.UserData is not allowed; put worker configuration in userData']],
  ['UserData in an instance type launchSpec', withType({ launchSpec: { UserData: 'e30=' } }),
    ['instanceTypes[c3.xlarge].launchSpec.UserData is not allowed; put worker configuration in userData']],
  ['an unknown key', withGlobal({ NotAnEc2Key: 1 }),
    ['launchSpec.NotAnEc2Key is not an allowed launch specification key', allowedAt('launchSpec')]],
  ['a disallowed EC2 key', withType({ launchSpec: { MinCount: 2, TagSpecifications: [] } }), [
    'instanceTypes[c3.xlarge].launchSpec.MinCount is not an allowed launch specification key',
    'instanceTypes[c3.xlarge].launchSpec.TagSpecifications is not an allowed launch specification key',
    allowedAt('instanceTypes[c3.xlarge].launchSpec'),
  ]],
  ['a Placement that is not an object', withGlobal({ Placement: 'us-west-2a' }),
    ['launchSpec.Placement must be an object']],
  ['a key of the wrong JSON type at each level', makeWorkerType({
    launchSpec: { SecurityGroups: 'docker-worker' },
    regions: [makeRegion('us-west-2', { launchSpec: { ImageId: 'ami-0aaaaaaa', KeyName: 7 } as unknown as RegionLaunchSpec })],
    instanceTypes: [makeInstanceType('c3.xlarge', { launchSpec: { EbsOptimized: 'yes', MetadataOptions: [] } })],
    availabilityZones: [makeZone('us-west-2a', { launchSpec: { Ipv6AddressCount: '1', KeyName: null } })],
  }), [
    'launchSpec.SecurityGroups must be an array',
    'regions[us-west-2].launchSpec.KeyName must be a string',
    'availabilityZones[us-west-2a].launchSpec.Ipv6AddressCount must be a number',
    'availabilityZones[us-west-2a].launchSpec.KeyName must be a string',
    'instanceTypes[c3.xlarge].launchSpec.EbsOptimized must be a boolean',
    'instanceTypes[c3.xlarge].launchSpec.MetadataOptions must be an object',
  ]],
  ['names of Object.prototype members', withGlobal(JSON.parse('{"constructor": {}, "__proto__": {}, "toString": "x"}') as JsonObject), [
    'launchSpec.constructor is not an allowed launch specification key',
    'launchSpec.__proto__ is not an allowed launch specification key',
    'launchSpec.toString is not an allowed launch specification key',
    allowedAt('launchSpec'),
  ]],
  ['capacity 0', withType({ capacity: 0 }), ['instanceTypes[c3.xlarge].capacity must be a number greater than 0']],
  ['negative capacity', withType({ capacity: -1 }), ['instanceTypes[c3.xlarge].capacity must be a number greater than 0']],
  ['a zone of a region not in regions', withZone(['eu-central-1a']),
    ['availabilityZones[eu-central-1a]: region eu-central-1 is not one of the regions']],
  ['a zone outside its region', withZone(['us-east-1b', { region: 'us-west-2' }]),
    ['availabilityZones[us-east-1b]: zone is not in region us-west-2']],
  ['SubnetId with SecurityGroups after the cascade', withRegion('us-west-2', { ...AMI, SubnetId: 'subnet-1' }), [
    'launchSpec for c3.xlarge in us-west-2a: SubnetId cannot be combined with SecurityGroups; use SecurityGroupIds in a VPC',
    'launchSpec for c3.2xlarge in us-west-2a: SubnetId cannot be combined with SecurityGroups; use SecurityGroupIds in a VPC',
  ]],
  ['a launchSpec that is not an object', withType({ launchSpec: NOT_AN_OBJECT }),
    ['instanceTypes[c3.xlarge].launchSpec must be an object']],
  ['a region without userData', makeWorkerType({ regions: [makeRegion('us-west-2', { userData: NOT_AN_OBJECT })] }),
    ['regions[us-west-2].userData must be an object']],
  ['userData and secrets that are not objects', makeWorkerType({ userData: NOT_AN_OBJECT, secrets: NOT_AN_OBJECT }),
    ['userData must be an object', 'secrets must be an object']],
  ['two unrelated problems',
    makeWorkerType({ launchSpec: AMI, regions: [makeRegion('us-west-2'), makeRegion('us-west-2')] }), [
      'regions: region us-west-2 appears more than once',
      'launchSpec.ImageId is not allowed here; set it in regions[].launchSpec',
    ]],
  ['a problem in a definition without regions', makeWorkerType({ launchSpec: AMI, regions: [] }),
    ['launchSpec.ImageId is not allowed here; set it in regions[].launchSpec']],
];

describe('testLaunchSpecs rejects', () => {
  test.each(invalid)('%s', (_name, def, reasons) => {
    expect(testLaunchSpecs(def, CTX)).toStrictEqual({ ok: false, reasons });
  });
});

const valid: [string, WorkerType][] = [
  ['SubnetId with SecurityGroupIds', makeWorkerType({ launchSpec: { SecurityGroupIds: ['sg-1'], SubnetId: 'subnet-1' } })],
  ['every key of the original but the forced ones', withGlobal({
    KeyName: 'k', AddressingType: 'public', BlockDeviceMappings: [], EbsOptimized: true, IamInstanceProfile: { Name: 'p' },
    KernelId: 'aki-1', MonitoringEnabled: true, Placement: { Tenancy: 'default' }, RamdiskId: 'ari-1', NetworkInterfaces: [],
  })],
  ['every RunInstances key passed through', withGlobal({
    Monitoring: { Enabled: true }, MetadataOptions: { HttpTokens: 'required' }, CreditSpecification: { CpuCredits: 'standard' },
    CpuOptions: { CoreCount: 2 }, HibernationOptions: { Configured: false }, EnclaveOptions: { Enabled: false },
    MaintenanceOptions: { AutoRecovery: 'default' }, PrivateDnsNameOptions: { HostnameType: 'ip-name' },
    InstanceInitiatedShutdownBehavior: 'terminate', PrivateIpAddress: '10.0.0.5', Ipv6AddressCount: 0,
  })],
  ['KeyName in a region and in an instance type', makeWorkerType({
    regions: [makeRegion('us-west-2', { launchSpec: { ImageId: 'ami-0aaaaaaa', KeyName: 'r' } }), makeRegion('us-east-1')],
    instanceTypes: [makeInstanceType('c3.xlarge', { launchSpec: { KeyName: 't' } }), makeInstanceType('c3.2xlarge')],
  })],
  ['zones configured for one region only', withZone(['us-west-2b'], ['us-west-2c'])],
  ['a zone overriding the AMI', withZone(['us-west-2a', { launchSpec: { ImageId: 'ami-0zzzzzzz' } }])],
];

describe('testLaunchSpecs accepts', () => {
  test.each(valid)('%s', (_name, def) => {
    expect(testLaunchSpecs(def, CTX)).toMatchObject({ ok: true });
  });
});

describe('createLaunchSpec rejects a bid the definition cannot serve', () => {
  const bid = (overrides: Partial<Bid>): Bid =>
    ({ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c3.xlarge', price: 1, truePrice: 1, ...overrides });

  test.each<[string, WorkerType, Bid, string[]]>([
    ['a region without entry', makeWorkerType(), bid({ region: 'eu-central-1', zone: 'eu-central-1a' }),
      ['regions: no entry for region eu-central-1']],
    ['an instance type without entry', makeWorkerType(), bid({ instanceType: 'm5.large' }),
      ['instanceTypes: no entry for instance type m5.large']],
    ['a zone not configured in a region that has zones', withZone(['us-west-2a']), bid({ zone: 'us-west-2b' }),
      ['availabilityZones: zone us-west-2b is not configured for region us-west-2']],
    ['an invalid definition', withGlobal(AMI), bid({}),
      ['launchSpec.ImageId is not allowed here; set it in regions[].launchSpec']],
  ])('%s', (_name, def, badBid, reasons) => {
    let thrown: unknown;
    try {
      createLaunchSpec(def, badBid, CTX);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidLaunchSpecError);
    expect(thrown).toMatchObject({ code: 'InvalidLaunchSpecifications', reasons });
  });

  test('a region without zone entries accepts any of its zones when another region has some', () => {
    const info = createLaunchSpec(withZone(['us-west-2a']), bid({ region: 'us-east-1', zone: 'us-east-1d' }), CTX);
    expect(info.launchSpec['Placement']).toStrictEqual({ AvailabilityZone: 'us-east-1d' });
  });
});
