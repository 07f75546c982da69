// Reading failures in workflows: their kind (src/domain/failure-kinds.ts), and short text
// for reports, logs and the Temporal UI.
import { ApplicationFailure } from '@temporalio/workflow';
import { kindOfFailureType, type FailureKind } from '../src/domain/failure-kinds';

/** The innermost failure of a chain: an ActivityFailure ("Activity task failed") says what failed in its cause. */
function innermost(err: unknown): unknown {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e;
}

/**
 * The innermost message of a failure chain, cut to 300 characters. An activity's failure
 * arrives as ActivityFailure ("Activity task failed"), whose cause says what went wrong.
 */
export function failureMessage(err: unknown): string {
  const e = innermost(err);
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}

/**
 * The kind of a failure an activity classified (its ApplicationFailure `type`), or undefined
 * for anything else: a timeout, a cancellation, a database or programming error.
 */
export function failureKind(err: unknown): FailureKind | undefined {
  const e = innermost(err);
  return e instanceof ApplicationFailure ? kindOfFailureType(e.type) : undefined;
}

/**
 * Error class names that crossed as failure types before activities classified them (the SDK
 * names an unclassified error's failure after its class); their messages are our own too.
 */
const LEGACY_PUBLIC_TYPES = new Set(['Ec2Error', 'QueueUnavailableError']);

/**
 * A failure as text safe for anonymous API responses (`state`, `backendStatus`): the messages
 * of classified failures are written by our boundaries for people (no paths, queries,
 * addresses or secrets) and are kept; anything else is reduced to what it is, and the details
 * stay in the worker logs.
 */
export function publicFailure(err: unknown): string {
  const e = innermost(err);
  const legacy = e instanceof ApplicationFailure && LEGACY_PUBLIC_TYPES.has(e.type ?? '');
  if (e instanceof Error && (failureKind(e) !== undefined || legacy)) return e.message.split('\n')[0]!.slice(0, 300);
  // Unclassified: named by the SDK (TimeoutFailure) or after the error's class.
  const type = e instanceof Error ? ((e as { type?: string }).type ?? e.name) : 'Error';
  if (/timeout/i.test(type)) return 'timed out';
  if (/^Prisma|database/i.test(type)) return 'database error (details in the worker logs)';
  return 'internal error (details in the worker logs)';
}
