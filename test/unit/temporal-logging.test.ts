// The SDK's log lines as our logger writes them: an "Activity failed" line keeps the failure's
// message, type and code (an Error's message is not enumerable, so plain JSON loses it), and the
// SDK's routing noise (task tokens, run ids) is dropped.
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../activities/failures';
import { Ec2Error } from '../../src/aws/errors';
import { createLogger } from '../../src/logger';
import { describeError, temporalLogFields } from '../../src/worker/temporal-logging';

const ec2Failure = () => toActivityFailure(new Ec2Error({
  kind: 'transient', code: 'InternalError', operation: 'RunInstances', message: 'We encountered an internal error.', httpStatus: 500,
})) as ApplicationFailure;

test('an activity failure line carries the message, type, code and status', () => {
  const fields = temporalLogFields({
    meta: {
      sdkComponent: 'worker', activityType: 'launchInstance', attempt: 1, taskToken: 'dG9rZW4=', workflowRunId: 'run', namespace: 'default',
      error: ec2Failure(), durationMs: 12,
    },
  });
  expect(fields).toEqual({
    temporal: { sdkComponent: 'worker', workflowType: undefined, workflowId: undefined, activityType: 'launchInstance', attempt: 1 },
    error: { message: 'RunInstances: InternalError: We encountered an internal error.', type: 'transient', code: 'InternalError', status: 500, nonRetryable: false },
    durationMs: 12,
  });
});

test('through the real logger, the line holds the message (it did not before)', () => {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
  logger.warn(temporalLogFields({ meta: { error: ec2Failure() } }), 'Activity failed');
  const line = JSON.parse(lines[0]!) as { error: Record<string, unknown> };
  expect(line.error.message).toBe('RunInstances: InternalError: We encountered an internal error.');
  expect(line.error.code).toBe('InternalError');
  // What the SDK's meta gave before, as plain JSON: no message.
  expect(JSON.parse(JSON.stringify({ error: ec2Failure() })).error.message).toBeUndefined();
});

test.each([
  ['a plain Error', new Error('boom'), { message: 'boom', type: 'Error' }],
  ['an error with a code', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), { message: 'refused', type: 'Error', code: 'ECONNREFUSED' }],
  ['a non-retryable failure', ApplicationFailure.create({ type: 'invalid', message: 'bad AMI', nonRetryable: true, details: [{ kind: 'invalid', code: 'InvalidAMIID.NotFound' }] }),
    { message: 'bad AMI', type: 'invalid', code: 'InvalidAMIID.NotFound', nonRetryable: true }],
  ['a failure with a cause', new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'P1001' }) }),
    { message: 'outer', type: 'Error', cause: { message: 'inner', type: 'Error', code: 'P1001' } }],
])('%s is described by message, type and code', (_name, err, expected) => {
  expect(describeError(err)).toEqual(expected);
});
