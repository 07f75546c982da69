// Tags of launched instances and their volumes, as the original set them (spec §3.8).
import { instanceTags } from '../../activities/deps';

test.each([
  ['aws-provisioner-v1', 'gecko-t-linux', { Name: 'gecko-t-linux', Owner: 'aws-provisioner-v1', WorkerType: 'aws-provisioner-v1/gecko-t-linux' }],
  ['test-1a2b', 'wt', { Name: 'wt', Owner: 'test-1a2b', WorkerType: 'test-1a2b/wt' }],
])('provisioner %s, worker type %s', (provisionerId, workerType, tags) => {
  expect(instanceTags(provisionerId, workerType)).toStrictEqual(tags);
});
