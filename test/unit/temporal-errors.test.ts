// Which failures of a Temporal call the API answers 503 (Temporal cannot be reached now) and
// which reach the error middleware as a 500; and what of a failure goes to the log.
import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { causeChain, isTemporalUnavailable } from '../../src/temporal/errors';

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

describe('causeChain', () => {
  it('lists each cause with its name, code and message, never the gRPC metadata', () => {
    const chain = causeChain(wrapped(grpcError(14, 'No connection established')));
    expect(chain).toEqual([
      { name: 'ServiceError', message: 'Failed to signalWithStart Workflow' },
      { name: 'Error', code: 14, message: '14 No connection established' },
    ]);
    expect(JSON.stringify(chain)).not.toContain('secret-key');
  });

  it('cuts long messages and stops on a cycle', () => {
    const a = new Error('x'.repeat(1000));
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    const chain = causeChain(b);
    expect(chain.length).toBeLessThanOrEqual(5);
    expect(chain[1]!.message).toHaveLength(300);
  });
});
