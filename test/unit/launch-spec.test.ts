import { launchSpecWithUserData } from '../../src/aws/user-data';
import { buildLaunchSpec, createLaunchSpec, type Bid } from '../../src/domain/launch-spec';
import { testLaunchSpecs } from '../../src/domain/launch-spec-matrix';
import type { JsonObject, WorkerType } from '../../src/domain/worker-type';
import {
  AMIS, CTX, deepFreeze, makeInstanceType, makeRegion, makeWorkerType, makeZone, parsedUserData,
} from './fixtures/worker-types';

const BID: Bid = { region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c3.2xlarge', price: 0.5, truePrice: 0.25 };

describe('testLaunchSpecs on a valid definition', () => {
  const result = testLaunchSpecs(makeWorkerType(), CTX);
  const specs = result.ok ? result.specs : {};

  test('gives one spec per region and instance type', () => {
    expect(result.ok).toBe(true);
    expect(Object.keys(specs).sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(Object.keys(specs['us-west-2'] ?? {}).sort()).toEqual(['c3.2xlarge', 'c3.xlarge']);
    expect(Object.keys(specs['us-east-1'] ?? {}).sort()).toEqual(['c3.2xlarge', 'c3.xlarge']);
  });

  test.each([
    ['us-west-2', 'c3.xlarge', 1],
    ['us-west-2', 'c3.2xlarge', 2],
    ['us-east-1', 'c3.xlarge', 1],
    ['us-east-1', 'c3.2xlarge', 2],
  ])('%s %s: launch spec and UserData', (region, instanceType, capacity) => {
    const info = specs[region]?.[instanceType];
    expect(info?.launchSpec).toMatchObject({
      ImageId: AMIS[region],
      InstanceType: instanceType,
      Placement: { AvailabilityZone: `${region}a` },
      SecurityGroups: ['docker-worker'],
    });
    expect(info?.launchSpec).not.toHaveProperty('KeyName');
    expect(info?.launchSpec).not.toHaveProperty('UserData');
    expect(parsedUserData(info ?? { userDataText: '{}' })).toMatchObject({
      capacity, provisionerId: CTX.provisionerId, region, instanceType, securityToken: CTX.securityToken,
      availabilityZone: `${region}a`, spotBid: 1, price: 1,
    });
  });
});

describe('createLaunchSpec', () => {
  test('UserData holds exactly the keys of the spec, in its order, with their values', () => {
    const def = makeWorkerType({ userData: { dockerConfig: { allowPrivileged: false } } });
    const info = createLaunchSpec(def, BID, CTX);
    const userData = parsedUserData(info);
    expect(info.instanceUserData).toStrictEqual(userData);
    expect(Object.keys(userData)).toEqual([
      'availabilityZone', 'capacity', 'data', 'instanceType', 'lastModified', 'launchSpecGenerated', 'price',
      'provisionerBaseUrl', 'provisionerId', 'region', 'securityToken', 'spotBid', 'taskclusterRootUrl', 'workerType',
    ]);
    expect(userData).toStrictEqual({
      availabilityZone: 'us-west-2b',
      capacity: 2,
      data: { dockerConfig: { allowPrivileged: false } },
      instanceType: 'c3.2xlarge',
      lastModified: def.lastModified,
      launchSpecGenerated: CTX.now,
      price: 0.25,
      provisionerBaseUrl: CTX.provisionerBaseUrl,
      provisionerId: CTX.provisionerId,
      region: 'us-west-2',
      securityToken: CTX.securityToken,
      spotBid: 0.5,
      taskclusterRootUrl: CTX.rootUrl,
      workerType: 'test-worker',
    });
  });

  test('returns the merged secrets and userData, no scopes, the token and the worker type', () => {
    const def = makeWorkerType({
      secrets: { a: 1 },
      regions: [makeRegion('us-west-2', { secrets: { b: 2 }, userData: { r: true } })],
    });
    const info = createLaunchSpec(def, BID, CTX);
    expect(info).toMatchObject({
      secrets: { a: 1, b: 2 }, userData: { r: true }, scopes: [], securityToken: CTX.securityToken, workerType: 'test-worker',
    });
  });

  test.each<[string, WorkerType, string | undefined]>([
    ['no key pair anywhere', makeWorkerType(), undefined],
    ['set globally', makeWorkerType({ launchSpec: { KeyName: 'global' } }), 'global'],
    ['set in the region', makeWorkerType({ regions: [makeRegion('us-west-2', { launchSpec: { ImageId: 'ami-0aaaaaaa', KeyName: 'regional' } })] }), 'regional'],
    ['the instance type over the region', makeWorkerType({
      regions: [makeRegion('us-west-2', { launchSpec: { ImageId: 'ami-0aaaaaaa', KeyName: 'regional' } })],
      instanceTypes: [makeInstanceType('c3.2xlarge', { launchSpec: { KeyName: 'typed' } })],
    }), 'typed'],
  ])('KeyName: %s', (_name, def, expected) => {
    expect(createLaunchSpec(def, BID, CTX).launchSpec['KeyName']).toBe(expected);
  });

  test('pass-through RunInstances keys such as MetadataOptions are kept', () => {
    const def = makeWorkerType({ launchSpec: { MetadataOptions: { HttpTokens: 'required' }, CpuOptions: { CoreCount: 2 } } });
    expect(createLaunchSpec(def, BID, CTX).launchSpec).toMatchObject({ MetadataOptions: { HttpTokens: 'required' }, CpuOptions: { CoreCount: 2 } });
  });

  test.each<[string, JsonObject, JsonObject]>([
    ['added when absent', {}, { AvailabilityZone: 'us-west-2b' }],
    ['kept, only its zone replaced', { Placement: { Tenancy: 'dedicated', AvailabilityZone: 'us-west-2c' } },
      { Tenancy: 'dedicated', AvailabilityZone: 'us-west-2b' }],
  ])('Placement is %s', (_name, extra, expected) => {
    const info = createLaunchSpec(makeWorkerType({ launchSpec: extra }), BID, CTX);
    expect(info.launchSpec['Placement']).toStrictEqual(expected);
  });

  test('non-ASCII userData survives the UTF-8 base64 round trip to EC2', () => {
    const data = { motd: 'grüße ✓ 東京 🚀' };
    const info = createLaunchSpec(makeWorkerType({ userData: data }), BID, CTX);
    const sent = launchSpecWithUserData(info);
    expect({ ...sent, UserData: undefined }).toStrictEqual({ ...info.launchSpec, UserData: undefined });
    expect(JSON.parse(Buffer.from(String(sent['UserData']), 'base64').toString('utf8'))['data']).toStrictEqual(data);
    expect(info.launchSpec).not.toHaveProperty('UserData');
  });

  test('a userData key named __proto__ stays data and changes no prototype', () => {
    const userData = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as JsonObject;
    const info = createLaunchSpec(makeWorkerType({ userData }), BID, CTX);
    expect(Object.getPrototypeOf(info.userData)).toBe(Object.prototype);
    expect(Object.keys(info.userData)).toEqual(['__proto__', 'ok']);
    expect(parsedUserData(info)['data']).toStrictEqual(userData);
  });
});

describe('cascade: instanceType > AZ > region > global, per top-level key', () => {
  type Level = 'global' | 'region' | 'zone' | 'type';
  type Field = 'launchSpec' | 'userData' | 'secrets';
  const keyOf: Record<Field, string> = { launchSpec: 'BlockDeviceMappings', userData: 'config', secrets: 'config' };

  function defWith(field: Field, levels: Level[]): WorkerType {
    const at = (level: Level, base: JsonObject): JsonObject =>
      (levels.includes(level) ? { ...base, [keyOf[field]]: [{ from: level }] } : base);
    const type = makeInstanceType('c3.2xlarge');
    const region = makeRegion('us-west-2');
    const zone = makeZone('us-west-2b');
    const def = makeWorkerType({ instanceTypes: [{ ...type, [field]: at('type', type[field]) }] });
    def[field] = at('global', def[field]);
    def.regions = [{ ...region, [field]: at('region', region[field]) } as typeof region];
    def.availabilityZones = [{ ...zone, [field]: at('zone', zone[field] ?? {}) }];
    return def;
  }

  const rows: [Level[], Level | undefined][] = [
    [[], undefined],
    [['global'], 'global'],
    [['global', 'region'], 'region'],
    [['global', 'region', 'zone'], 'zone'],
    [['global', 'region', 'zone', 'type'], 'type'],
    [['global', 'type'], 'type'],
    [['region', 'zone'], 'zone'],
    [['zone', 'type'], 'type'],
  ];
  const fields: Field[] = ['launchSpec', 'userData', 'secrets'];

  test.each(fields.flatMap((field) => rows.map(([levels, winner]) => [field, levels, winner] as const)))(
    '%s set at %p: %p wins',
    (field, levels, winner) => {
      const info = createLaunchSpec(defWith(field, [...levels]), BID, CTX);
      expect(info[field][keyOf[field]]).toStrictEqual(winner === undefined ? undefined : [{ from: winner }]);
    },
  );

  test('a region BlockDeviceMappings replaces the global one entirely; other keys combine', () => {
    const def = makeWorkerType({
      launchSpec: {
        SecurityGroups: ['docker-worker'],
        BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8 } }, { DeviceName: '/dev/sdb' }],
      },
      userData: { nested: { x: 1, y: 2 }, fromGlobal: true },
      instanceTypes: [makeInstanceType('c3.2xlarge', { userData: { nested: { x: 3 } } })],
      regions: [makeRegion('us-west-2', {
        launchSpec: { ImageId: 'ami-0fffffff', BlockDeviceMappings: [{ DeviceName: '/dev/xvdb' }] },
      })],
    });
    const info = createLaunchSpec(def, BID, CTX);
    expect(info.launchSpec['BlockDeviceMappings']).toStrictEqual([{ DeviceName: '/dev/xvdb' }]);
    expect(info.launchSpec['SecurityGroups']).toStrictEqual(['docker-worker']);
    expect(info.userData).toStrictEqual({ nested: { x: 3 }, fromGlobal: true });
  });

  test('an AZ may override the region AMI', () => {
    const def = makeWorkerType({ availabilityZones: [makeZone('us-west-2b', { launchSpec: { ImageId: 'ami-0zzzzzzz' } })] });
    expect(createLaunchSpec(def, BID, CTX).launchSpec['ImageId']).toBe('ami-0zzzzzzz');
  });
});

describe('availability zones in testLaunchSpecs', () => {
  test('configured zones are tried, the last one wins its slot; other regions use <region>a', () => {
    const def = makeWorkerType({
      availabilityZones: [
        makeZone('us-west-2a', { userData: { zone: 'a' } }),
        makeZone('us-west-2b', { userData: { zone: 'b' } }),
      ],
    });
    const result = testLaunchSpecs(def, CTX);
    const specs = result.ok ? result.specs : {};
    expect(result.ok).toBe(true);
    expect(specs['us-west-2']?.['c3.xlarge']?.launchSpec['Placement']).toStrictEqual({ AvailabilityZone: 'us-west-2b' });
    expect(specs['us-west-2']?.['c3.xlarge']?.userData).toStrictEqual({ zone: 'b' });
    expect(specs['us-east-1']?.['c3.xlarge']?.launchSpec['Placement']).toStrictEqual({ AvailabilityZone: 'us-east-1a' });
  });

  test('a definition without regions or instance types yields no specs and no reasons', () => {
    expect(testLaunchSpecs(makeWorkerType({ regions: [] }), CTX)).toStrictEqual({ ok: true, specs: {} });
    expect(testLaunchSpecs(makeWorkerType({ instanceTypes: [] }), CTX))
      .toStrictEqual({ ok: true, specs: { 'us-west-2': {}, 'us-east-1': {} } });
  });
});

describe('inputs are never modified', () => {
  function richDefinition(): WorkerType {
    return makeWorkerType({
      launchSpec: {
        SecurityGroups: ['docker-worker'], Placement: { Tenancy: 'default' }, BlockDeviceMappings: [{ DeviceName: '/dev/sda1' }],
      },
      userData: { nested: { list: [1, 2] } },
      secrets: { s: { t: 1 } },
      availabilityZones: [makeZone('us-west-2b', { launchSpec: { EbsOptimized: true }, userData: { z: [1] } })],
    });
  }

  test('building specs from a deeply frozen definition works and leaves it equal to a fresh copy', () => {
    const def = deepFreeze(richDefinition());
    const bid = deepFreeze({ ...BID });
    expect(buildLaunchSpec(def, bid, CTX).ok).toBe(true);
    expect(testLaunchSpecs(def, CTX).ok).toBe(true);
    expect(def).toStrictEqual(richDefinition());
  });

  test('the result shares no objects with the definition', () => {
    const def = richDefinition();
    const info = createLaunchSpec(def, BID, CTX);
    (info.launchSpec['SecurityGroups'] as string[]).push('changed');
    (info.userData['nested'] as { list: number[] }).list.push(3);
    (info.secrets['s'] as JsonObject)['t'] = 2;
    expect(def).toStrictEqual(richDefinition());
  });
});
