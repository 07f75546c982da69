// Whether one worker's workflow cache holds the loops it may run. A loop whose workflow is
// not cached is replayed from the start of its run (up to 500 iterations) at each of its
// workflow tasks, so a cache smaller than the loops turns every idle iteration into a replay.

/** The SDK refuses a cache of 1 (it needs room for one workflow task and the next). */
export const MIN_WORKFLOW_CACHE_SIZE = 2;

/**
 * The warning for a worker that caches `cacheSize` workflows while `loops` loops exist (one
 * per worker type and one per allowed region), or undefined when they fit. Several workers
 * share the loops (Temporal routes each loop's tasks to the worker that cached it), so it
 * says how many workers of this size hold them all.
 */
export function workflowCacheShortfall(loops: number, cacheSize: number): string | undefined {
  if (!(cacheSize >= MIN_WORKFLOW_CACHE_SIZE) || loops <= cacheSize) return undefined;
  const workers = Math.ceil(loops / cacheSize);
  return `${loops} loops but this worker caches ${cacheSize} workflows: loops beyond the cache replay their history `
    + `at every iteration unless at least ${workers} workers of this size share them; raise WORKFLOW_CACHE_SIZE `
    + '(and the heap with it) or run more workers';
}
