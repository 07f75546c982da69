// Valid request bodies the tests start from and then break in specific ways. AMIs must exist
// in EC2 (moto), so the test environment records moto's built-in ones here at start.

export const fixtureAmis: Record<string, string> = { 'us-west-2': 'ami-0123456789abcdef0', 'us-east-1': 'ami-00000000000000001' };
export const FIXTURE_SECURITY_GROUP = 'docker-worker';

export function workerTypeDefinition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    launchSpec: { SecurityGroups: [FIXTURE_SECURITY_GROUP] },
    userData: { dockerConfig: { allowPrivileged: false } },
    secrets: {},
    scopes: [],
    minCapacity: 0,
    maxCapacity: 20,
    scalingRatio: 0,
    minPrice: 0,
    maxPrice: 0.5,
    canUseOndemand: false,
    canUseSpot: true,
    instanceTypes: [
      { instanceType: 'c5.xlarge', capacity: 1, utility: 1, launchSpec: {}, secrets: {}, userData: {}, scopes: [] },
      { instanceType: 'c5.2xlarge', capacity: 2, utility: 2, launchSpec: {}, secrets: {}, userData: {}, scopes: [] },
    ],
    regions: [
      { region: 'us-west-2', launchSpec: { ImageId: fixtureAmis['us-west-2']! }, secrets: {}, userData: {}, scopes: [] },
      { region: 'us-east-1', launchSpec: { ImageId: fixtureAmis['us-east-1']! }, secrets: {}, userData: {}, scopes: [] },
    ],
    availabilityZones: [],
    description: 'Builds for the test suite',
    owner: 'ci@example.com',
    ...overrides,
  };
}

export function amiSetBody(): { amis: { region: string; hvm: string; pv: string }[] } {
  return {
    amis: [
      { region: 'us-west-2', hvm: 'ami-0123456789abcdef0', pv: 'ami-0123456789abcdef1' },
      { region: 'us-east-1', hvm: 'ami-00000000000000001', pv: 'ami-00000000000000002' },
    ],
  };
}

/** Spot prices that make c5.xlarge in us-west-2 the cheapest offering (three zones per region). */
export const SPOT_PRICES = ['a', 'b', 'c'].flatMap((z) => [
  { region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.xlarge', price: 0.1 },
  { region: 'us-west-2', zone: `us-west-2${z}`, instanceType: 'c5.2xlarge', price: 0.3 },
  { region: 'us-east-1', zone: `us-east-1${z}`, instanceType: 'c5.xlarge', price: 0.4 },
]);
