// Tags of launched instances and their volumes, as the original set them (spec §3.8), and
// how the inventory and terminations read them back.
import { instanceTags, ownerFilter, parseInstanceTags, workerTypeFilter, workerTypeOf } from '../../src/domain/instance-tags';

test.each([
  ['aws-provisioner-v1', 'gecko-t-linux', { Name: 'gecko-t-linux', Owner: 'aws-provisioner-v1', WorkerType: 'aws-provisioner-v1/gecko-t-linux' }],
  ['test-1a2b', 'wt', { Name: 'wt', Owner: 'test-1a2b', WorkerType: 'test-1a2b/wt' }],
])('provisioner %s, worker type %s', (provisionerId, workerType, tags) => {
  expect(instanceTags(provisionerId, workerType)).toStrictEqual(tags);
  expect(parseInstanceTags(tags)).toStrictEqual({ owner: provisionerId, launchedBy: { provisionerId, workerType }, name: workerType });
  expect(workerTypeOf(tags, provisionerId)).toBe(workerType);
});

test('the describe filters match the tags that launches set', () => {
  const tags = instanceTags('prov', 'wt');
  expect(ownerFilter('prov')).toStrictEqual({ key: 'Owner', value: tags.Owner });
  expect(workerTypeFilter('prov', 'wt')).toStrictEqual({ key: 'WorkerType', value: tags.WorkerType });
});

test.each<[string, Record<string, string>, string | null]>([
  ['no tags', {}, null],
  ['another provisioner', { WorkerType: 'other/wt' }, null],
  ['no slash', { WorkerType: 'wt' }, null],
  ['empty worker type', { WorkerType: 'prov/' }, null],
  ['empty provisioner', { WorkerType: '/wt' }, null],
  ['a provisioner whose id extends ours', { WorkerType: 'prov-2/wt' }, null],
  ['ours', { WorkerType: 'prov/wt', Owner: 'prov' }, 'wt'],
])('worker type of an instance with %s', (_, tags, expected) => {
  expect(workerTypeOf(tags, 'prov')).toBe(expected);
});

test('absent tags parse as null', () => {
  expect(parseInstanceTags({})).toStrictEqual({ owner: null, launchedBy: null, name: null });
});
