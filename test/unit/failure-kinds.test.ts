// The failure taxonomy end to end, without servers: every EC2 code and every Queue failure maps
// to its kind, and each kind leaves an activity as an ApplicationFailure with its retry semantics.
import { ApplicationFailure } from '@temporalio/common';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { toActivityFailure, withFailureKinds } from '../../activities/failures';
import { EC2_CODE_KINDS, Ec2Error, toEc2Error } from '../../src/aws/errors';
import {
  FAILURE_KINDS, FAILURE_SEMANTICS, THROTTLE_RETRY_DELAY_MS, kindOfFailureType, type FailureKind,
} from '../../src/domain/failure-kinds';
import { QueueUnavailableError, kindOfQueueStatus, type QueueFault } from '../../src/queue/errors';

/** Each kind's retry semantics, stated independently of the module under test. */
const EXPECTED: Record<FailureKind, { nonRetryable: boolean; nextRetryDelayMs?: number }> = {
  transient: { nonRetryable: false },
  throttled: { nonRetryable: false, nextRetryDelayMs: THROTTLE_RETRY_DELAY_MS },
  capacity: { nonRetryable: true },
  invalid: { nonRetryable: true },
  permission: { nonRetryable: true },
  'not-found': { nonRetryable: true },
};

const EC2_CODES: Record<FailureKind, string[]> = {
  capacity: [
    'InsufficientInstanceCapacity', 'InsufficientHostCapacity', 'InsufficientReservedInstanceCapacity', 'InsufficientCapacity',
    'InsufficientCapacityOnHost', 'InsufficientVolumeCapacity', 'InsufficientFreeAddressesInSubnet', 'MaxSpotInstanceCountExceeded',
    'SpotMaxPriceTooLow', 'InstanceLimitExceeded', 'VcpuLimitExceeded', 'VolumeLimitExceeded', 'Unsupported',
  ],
  throttled: [
    'RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'RequestThrottled', 'RequestThrottledException',
    'TooManyRequestsException', 'PriorRequestNotComplete',
  ],
  invalid: [
    'InvalidParameterValue', 'InvalidParameterCombination', 'InvalidParameter', 'MissingParameter', 'UnknownParameter',
    'UnexpectedParameter', 'InvalidInstanceType', 'IdempotentParameterMismatch', 'InvalidAction', 'InvalidQueryParameter',
    'MalformedQueryString', 'ValidationError', 'OperationNotPermitted', 'InvalidBlockDeviceMapping', 'InvalidUserData.Malformed',
    'InvalidClientToken',
    // Price List Query API
    'InvalidParameterException', 'NotFoundException', 'InvalidNextTokenException',
  ],
  permission: [
    'UnauthorizedOperation', 'AuthFailure', 'OptInRequired', 'Blocked', 'SignatureDoesNotMatch', 'InvalidClientTokenId',
    'UnrecognizedClientException', 'AccessDenied', 'AccessDeniedException', 'MissingAuthenticationToken', 'InvalidAccessKeyId',
  ],
  'not-found': ['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed', 'InvalidInstanceID'],
  transient: [
    'InternalError', 'InternalFailure', 'Unavailable', 'ServiceUnavailable', 'ServiceUnavailableException', 'RequestTimeout',
    'RequestTimeoutException', 'RequestExpired', 'IDPCommunicationError', 'TimeoutError', 'AbortError', 'PendingVerification',
    'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
    'ENETDOWN', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT',
    // Price List Query API
    'InternalErrorException', 'ExpiredNextTokenException',
  ],
};

const ec2Table = Object.entries(EC2_CODES).flatMap(([kind, codes]) => codes.map((code) => [code, kind as FailureKind] as const));

/** As the SDK delivers an EC2 error body, with a status that does not decide the kind by itself. */
function sdkError(code: string): EC2ServiceException {
  return new EC2ServiceException({ name: code, $fault: 'client', message: `${code} happened`, $metadata: { httpStatusCode: 400 } });
}

function failureOf(err: unknown): ApplicationFailure {
  const failure = toActivityFailure(err);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  return failure as ApplicationFailure;
}

function expectSemantics(failure: ApplicationFailure, kind: FailureKind): void {
  expect(failure.type).toBe(kind);
  expect(failure.nonRetryable).toBe(EXPECTED[kind].nonRetryable);
  expect(failure.nextRetryDelay).toBe(EXPECTED[kind].nextRetryDelayMs);
}

describe('the failure kinds', () => {
  it.each(FAILURE_KINDS.map((k) => [k]))('%s has the expected retry semantics and a description', (kind) => {
    expect(FAILURE_SEMANTICS[kind].retryable).toBe(!EXPECTED[kind].nonRetryable);
    expect(FAILURE_SEMANTICS[kind].nextRetryDelayMs).toBe(EXPECTED[kind].nextRetryDelayMs);
    expect(FAILURE_SEMANTICS[kind].description).toMatch(/^[A-Z].{20,}\.$/);
    expect(kindOfFailureType(kind)).toBe(kind);
  });

  it.each([['Ec2Throttled', 'throttled'], ['Ec2Transient', 'transient'], ['QueueUnavailable', 'transient'], ['TypeError', undefined], [undefined, undefined]])(
    'reads the recorded failure type %s as %s', (type, kind) => {
      expect(kindOfFailureType(type)).toBe(kind);
    },
  );
});

describe('EC2 codes', () => {
  it.each(ec2Table)('%s -> %s, with its retry semantics', (code, kind) => {
    const err = toEc2Error(sdkError(code), 'RunInstances');
    expect(err.kind).toBe(kind);
    const failure = failureOf(err);
    expectSemantics(failure, kind);
    expect(failure.message).toBe(`RunInstances: ${code}: ${code} happened`);
    expect(failure.details).toEqual([{ kind, code, status: 400 }]);
  });

  it('lists every code of the classification table here', () => {
    expect(new Set(ec2Table.map(([code]) => code))).toEqual(new Set(EC2_CODE_KINDS.keys()));
  });
});

describe('Queue failures', () => {
  it.each<[number, FailureKind]>([
    [500, 'transient'], [502, 'transient'], [503, 'transient'], [504, 'transient'], [408, 'transient'],
    [429, 'throttled'], [401, 'permission'], [403, 'permission'], [400, 'invalid'], [404, 'invalid'], [410, 'invalid'],
  ])('HTTP %i -> %s, with its retry semantics', (status, kind) => {
    expect(kindOfQueueStatus(status)).toBe(kind);
    const err = new QueueUnavailableError(`HTTP ${status}`, { status });
    expect(err).toMatchObject({ kind, status, message: `TaskCluster Queue unavailable: HTTP ${status}` });
    expectSemantics(failureOf(err), kind);
  });

  it.each<[QueueFault, FailureKind]>([
    ['timeout', 'transient'], ['connection', 'transient'], ['not-json', 'transient'], ['too-large', 'transient'],
    ['wrong-shape', 'invalid'],
  ])('%s -> %s, with its retry semantics', (fault, kind) => {
    const err = new QueueUnavailableError(fault, { fault });
    expect(err.kind).toBe(kind);
    expectSemantics(failureOf(err), kind);
  });
});

describe('toActivityFailure', () => {
  it('never attaches the original error, and leaves unclassified errors to Temporal', () => {
    const failure = failureOf(new Ec2Error({ kind: 'permission', code: 'UnauthorizedOperation', message: 'no', operation: 'TerminateInstances' }));
    expect(failure.cause).toBeUndefined();
    const other = new TypeError('a bug');
    expect(toActivityFailure(other)).toBe(other);
    const already = ApplicationFailure.create({ type: 'custom', message: 'kept' });
    expect(toActivityFailure(already)).toBe(already);
  });

  it('is applied to whatever a wrapped activity throws', async () => {
    const activities = withFailureKinds({
      async failing(): Promise<number> { throw new QueueUnavailableError('HTTP 403', { status: 403 }); },
      async working(n: number): Promise<number> { return n + 1; },
    });
    await expect(activities.working(1)).resolves.toBe(2);
    const err = await activities.failing().catch((e: unknown) => e);
    expectSemantics(err as ApplicationFailure, 'permission');
  });
});
