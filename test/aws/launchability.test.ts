// The definition checks against EC2 (moto behind the strict proxy): AMIs, security groups and
// key pairs, each answer cached per region and name, a missing one re-checked sooner.
import { CreateKeyPairCommand } from '@aws-sdk/client-ec2';
import { createLaunchabilityChecker } from '../../src/aws/launchability';
import { REGION, useEc2TestEnv } from './ec2-harness';

const shared = useEc2TestEnv();

const target = (keyNames: string[]) => ({ region: REGION, imageIds: [shared.imageId], securityGroups: ['default'], keyNames });

test('a missing key pair is a reason naming it and the region', async () => {
  const checker = createLaunchabilityChecker(shared.env.gateway);
  await shared.env.direct().send(new CreateKeyPairCommand({ KeyName: 'present-key' }));
  await expect(checker.problems([target(['present-key', 'absent-a', 'absent-b'])]))
    .resolves.toEqual([`key pair(s) absent-a, absent-b not found in ${REGION}`]);
  await expect(checker.problems([{ ...target(['present-key']), region: 'us-east-1', imageIds: [] }]))
    .resolves.toEqual(['key pair(s) present-key not found in us-east-1']);
});

test('answers are cached like those for AMIs and groups; a missing key pair is asked again after 30 s', async () => {
  let clock = 1_000_000;
  const checker = createLaunchabilityChecker(shared.env.gateway, () => clock);
  await expect(checker.problems([target(['late-key'])])).resolves.toEqual([`key pair(s) late-key not found in ${REGION}`]);
  await shared.env.direct().send(new CreateKeyPairCommand({ KeyName: 'late-key' }));
  await expect(checker.problems([target(['late-key'])])).resolves.toHaveLength(1);
  expect(shared.env.proxy.counts().DescribeKeyPairs).toBe(1);
  clock += 30_001;
  await expect(checker.problems([target(['late-key'])])).resolves.toEqual([]);
  clock += 5 * 60_000;
  await expect(checker.problems([target(['late-key'])])).resolves.toEqual([]);
  expect(shared.env.proxy.counts()).toMatchObject({ DescribeKeyPairs: 2, DescribeImages: 1, DescribeSecurityGroups: 1 });
});
