// What EC2 is asked about for a definition: AMIs, security groups and key pairs per region,
// as the cascade gives them for every zone x instance type.
import { launchTargets, type LaunchTarget } from '../../src/domain/launch-targets';
import type { WorkerType } from '../../src/domain/worker-type';
import { AMIS, makeInstanceType, makeRegion, makeWorkerType, makeZone } from './fixtures/worker-types';

const target = (region: string, overrides: Partial<LaunchTarget> = {}): LaunchTarget =>
  ({ region, imageIds: [AMIS[region] ?? ''], securityGroups: ['docker-worker'], keyNames: [], ...overrides });

test.each<[string, WorkerType, LaunchTarget[]]>([
  ['the region AMIs and the global groups', makeWorkerType(), [target('us-west-2'), target('us-east-1')]],
  ['an AZ overriding the AMI adds it; the region AMI stays for the other zone', makeWorkerType({
    availabilityZones: [makeZone('us-west-2a', { launchSpec: { ImageId: 'ami-0zzzzzzz' } }), makeZone('us-west-2b')],
  }), [target('us-west-2', { imageIds: ['ami-0zzzzzzz', AMIS['us-west-2']!] }), target('us-east-1')]],
  ['every zone overriding the AMI: the region AMI is not used', makeWorkerType({
    availabilityZones: [makeZone('us-west-2a', { launchSpec: { ImageId: 'ami-0zzzzzzz' } })],
  }), [target('us-west-2', { imageIds: ['ami-0zzzzzzz'] }), target('us-east-1')]],
  ['key pairs from the region and an instance type, each once', makeWorkerType({
    regions: [makeRegion('us-west-2', { launchSpec: { ImageId: AMIS['us-west-2']!, KeyName: 'west' } }), makeRegion('us-east-1')],
    instanceTypes: [makeInstanceType('c3.xlarge', { launchSpec: { KeyName: 'typed' } }), makeInstanceType('c3.2xlarge')],
  }), [target('us-west-2', { keyNames: ['typed', 'west'] }), target('us-east-1', { keyNames: ['typed'] })]],
  ['an instance type replacing the groups; SecurityGroupIds are not names', makeWorkerType({
    instanceTypes: [makeInstanceType('c3.xlarge', { launchSpec: { SecurityGroups: ['special', 'docker-worker'] } }),
      makeInstanceType('c3.2xlarge', { launchSpec: { SecurityGroups: [], SecurityGroupIds: ['sg-1'] } })],
  }), [target('us-west-2', { securityGroups: ['special', 'docker-worker'] }), target('us-east-1', { securityGroups: ['special', 'docker-worker'] })]],
])('%s', (_name, def, expected) => {
  expect(launchTargets(def)).toStrictEqual(expected);
});
