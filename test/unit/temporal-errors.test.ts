// Which failures of a Temporal call the API answers 503 (Temporal cannot be reached now) and
// which reach the error middleware as a 500 (what of a failure goes to the log: log-errors.test.ts).
import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { isTemporalUnavailable } from '../../src/temporal/errors';

/** A gRPC error as @grpc/grpc-js builds it: `code`, `details` and `metadata`. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { authorization: 'Bearer secret-key' } });
}

/** As the Temporal client throws it: a ServiceError whose cause is the gRPC error. */
const wrapped = (cause: Error) => new ServiceError('Failed to signalWithStart Workflow', { cause });

describe('isTemporalUnavailable', () => {
  it.each<[string, unknown, boolean]>([
    ['UNAVAILABLE', wrapped(grpcError(14, 'No connection established')), true],
    ['DEADLINE_EXCEEDED (the call deadline)', wrapped(grpcError(4, 'Deadline exceeded')), true],
    ['RESOURCE_EXHAUSTED (rate limited)', wrapped(grpcError(8, 'namespace rate limit exceeded')), true],
    ['a bare UNAVAILABLE gRPC error', grpcError(14, 'connection refused'), true],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7233'), { code: 'ECONNREFUSED' }), true],
    ['INVALID_ARGUMENT', wrapped(grpcError(3, 'invalid workflow id')), false],
    ['PERMISSION_DENIED', wrapped(grpcError(7, 'Request unauthorized')), false],
    ['NOT_FOUND', wrapped(grpcError(5, 'namespace not found')), false],
    ['a workflow that does not exist', new WorkflowNotFoundError('not found', 'worker-type/x', undefined), false],
    ['a programming error', new TypeError('cannot read properties of undefined'), false],
    ['a string', 'boom', false],
    ['undefined', undefined, false],
  ])('%s -> %s', (_case, err, unavailable) => {
    expect(isTemporalUnavailable(err)).toBe(unavailable);
  });
});
