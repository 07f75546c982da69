// Runs an async step over many items with a bounded number in flight: loop reconciliation
// starts (or finds running) one workflow per worker type, one Temporal call each, and a
// thousand of them one after another take minutes on a busy machine.

/**
 * Calls `step` for every item, at most `limit` at once, in item order. After the first
 * failure no further item is started; the calls in flight are awaited and the first failure
 * is thrown.
 */
export async function inParallel<T>(items: readonly T[], limit: number, step: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await step(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.err;
}
