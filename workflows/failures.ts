// Turning failures into short text for reports, logs and the Temporal UI.

/**
 * The innermost message of a failure chain, cut to 300 characters. An activity's failure
 * arrives as ActivityFailure ("Activity task failed"), whose cause says what went wrong.
 */
export function failureMessage(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}

/** Failure types whose messages our own code writes for people (no paths, queries or addresses). */
const PUBLIC_TYPES = new Set(['Ec2Error', 'Ec2Throttled', 'Ec2Transient', 'QueueUnavailable', 'QueueUnavailableError']);

/**
 * A failure as text safe for anonymous API responses (`state`, `backendStatus`): our own
 * classified messages are kept; anything else (a database driver's message, a stack) is
 * reduced to its kind, and the details stay in the worker logs.
 */
export function publicFailure(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  const type = e instanceof Error ? ((e as { type?: string }).type ?? e.name) : 'Error';
  if (PUBLIC_TYPES.has(type) && e instanceof Error) return `${e.message.split('\n')[0]}`.slice(0, 300);
  if (/timeout/i.test(type)) return 'timed out';
  if (/^Prisma|database/i.test(type)) return 'database error (details in the worker logs)';
  return 'internal error (details in the worker logs)';
}
