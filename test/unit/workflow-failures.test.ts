// How workflows read an activity's failure: by its kind, with the types of recorded histories
// still understood, and as public text that never shows unclassified internals.
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure } from '@temporalio/common';
import { failureKind, publicFailure } from '../../workflows/failures';

/** A failure as a workflow receives it from an activity. */
function fromActivity(cause: Error): ActivityFailure {
  return new ActivityFailure('Activity task failed', 'terminateInstances', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);
}

const app = (type: string, message: string) => fromActivity(ApplicationFailure.create({ type, message }));

describe('failureKind', () => {
  it.each<[string, Error, string | undefined]>([
    ['a kind', app('permission', 'TerminateInstances: UnauthorizedOperation: no'), 'permission'],
    ['a throttled failure of a recorded history', app('Ec2Throttled', 'RunInstances: RequestLimitExceeded: slow down'), 'throttled'],
    ['a Queue failure of a recorded history', app('QueueUnavailable', 'TaskCluster Queue unavailable: HTTP 500'), 'transient'],
    ['an unclassified error', app('TypeError', 'x is undefined'), undefined],
    ['a timeout', fromActivity(new TimeoutFailure('timed out', undefined, 'START_TO_CLOSE')), undefined],
  ])('%s', (_case, err, kind) => {
    expect(failureKind(err)).toBe(kind);
  });
});

describe('publicFailure', () => {
  it.each<[string, Error, string]>([
    ['a classified failure keeps its message', app('permission', 'TerminateInstances: UnauthorizedOperation: no\nmore'),
      'TerminateInstances: UnauthorizedOperation: no'],
    ['so does one of a recorded history', app('Ec2Error', 'DescribeInstances: InternalError: oops'), 'DescribeInstances: InternalError: oops'],
    ['a timeout', fromActivity(new TimeoutFailure('timed out', undefined, 'START_TO_CLOSE')), 'timed out'],
    ['a database error', app('PrismaClientKnownRequestError', 'at db.example:5432 ...'), 'database error (details in the worker logs)'],
    ['anything else', app('TypeError', 'secret path /etc/x'), 'internal error (details in the worker logs)'],
  ])('%s', (_case, err, text) => {
    expect(publicFailure(err)).toBe(text);
  });
});
