import { workflowCacheShortfall } from '../../src/domain/workflow-cache';

test.each([
  // loops, cache size, warned, workers named
  [0, 2, false, undefined],
  [1000, 2395, false, undefined],
  [1000, 1000, false, undefined],
  [1001, 1000, true, 2],
  [1005, 482, true, 3],
  [3, 2, true, 2],
])('%i loops, a cache of %i: warned %s (%s workers)', (loops, cacheSize, warned, workers) => {
  const warning = workflowCacheShortfall(loops, cacheSize);
  expect(warning !== undefined).toBe(warned);
  if (warning) {
    expect(warning).toContain(`${loops} loops but this worker caches ${cacheSize} workflows`);
    expect(warning).toContain(`at least ${workers} workers`);
    expect(warning).toContain('WORKFLOW_CACHE_SIZE');
  }
});

test('a cache the SDK would refuse is not judged here (the configuration refuses it)', () => {
  expect(workflowCacheShortfall(10, 0)).toBeUndefined();
  expect(workflowCacheShortfall(10, Number.NaN)).toBeUndefined();
});
