// How classified failures leave an activity: one ApplicationFailure per failure kind, with the
// retry semantics of src/domain/failure-kinds.ts. Without this, Temporal would turn our errors
// into retryable failures named after their class, and retry a permission error to the end of
// the activity's retry policy.
import { ApplicationFailure } from '@temporalio/activity';
import { Ec2Error } from '../src/aws/errors';
import { FAILURE_SEMANTICS, type FailureKind } from '../src/domain/failure-kinds';
import { QueueUnavailableError } from '../src/queue/errors';

/** What a failure of a kind carries into the workflow history, besides its message. */
export interface FailureDetails { kind: FailureKind; code?: string; status?: number }

function classified(err: unknown): { kind: FailureKind; message: string; details: FailureDetails } | undefined {
  if (err instanceof Ec2Error) {
    return { kind: err.kind, message: err.message, details: { kind: err.kind, code: err.code, status: err.httpStatus } };
  }
  if (err instanceof QueueUnavailableError) {
    return { kind: err.kind, message: err.message, details: { kind: err.kind, status: err.status } };
  }
  return undefined;
}

/**
 * The ApplicationFailure for one of our classified errors (Ec2Error, QueueUnavailableError):
 * `type` is the kind, `nonRetryable` where retrying cannot help, `nextRetryDelay` for
 * throttling. Anything else (an ApplicationFailure already, a cancellation, a database
 * error) is returned unchanged, for Temporal's default handling. The message is the
 * classified one, which the boundaries keep free of secrets; the original error is not
 * attached as the cause, since its fields (an SDK response) could hold request details.
 */
export function toActivityFailure(err: unknown): unknown {
  const failure = classified(err);
  if (!failure) return err;
  const semantics = FAILURE_SEMANTICS[failure.kind];
  return ApplicationFailure.create({
    type: failure.kind,
    message: failure.message,
    nonRetryable: !semantics.retryable,
    nextRetryDelay: semantics.nextRetryDelayMs,
    details: [failure.details],
  });
}

type ActivityFunction = (...args: never[]) => Promise<unknown>;

/** Every activity of `activities`, with what it throws passed through toActivityFailure. */
export function withFailureKinds<T extends Record<string, ActivityFunction>>(activities: T): T {
  const wrapped = Object.entries(activities).map(([name, fn]) => [name, async (...args: never[]) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toActivityFailure(err);
    }
  }]);
  return Object.fromEntries(wrapped) as T;
}
