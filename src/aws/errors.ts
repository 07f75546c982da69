// One classification of AWS failures, used by every caller of EC2 and of the Price List Query
// API (whose codes are listed here too: its ThrottlingException is `throttled`, its
// InternalErrorException `transient`, ...).
//
// The AWS SDK v3 does not model EC2's errors: every one arrives as an EC2ServiceException
// whose `name` is the EC2 error code, so nothing downstream can tell a capacity shortage from
// a typo by its type. Here each failure becomes an Ec2Error with one of the failure kinds of
// src/domain/failure-kinds.ts (which also says how each is retried):
//
//   capacity    AWS cannot place this request now (zone, type, spot pool or account limit);
//               the planner should try another offering, not retry the same one.
//   throttled   rate limited; retry the same request after a pause.
//   invalid     the request is wrong; retrying cannot help.
//   permission  our credentials are wrong or lack a permission; retrying cannot help.
//   not-found   the instance id does not exist (or is malformed); terminating it is done.
//   transient   AWS or the network failed; retry the same request.
//
// Codes not listed fall back on the HTTP status (429 throttled, 401/403 permission, other 4xx
// invalid, 5xx transient); failures with no HTTP answer at all are transient.
import type { FailureKind } from '../domain/failure-kinds';

export type Ec2ErrorKind = FailureKind;

export interface Ec2ErrorInfo {
  kind: Ec2ErrorKind;
  /** The EC2 error code (e.g. `InsufficientInstanceCapacity`), or a network code (`ECONNRESET`). */
  code: string;
  message: string;
}

const CAPACITY = [
  'InsufficientInstanceCapacity', 'InsufficientHostCapacity', 'InsufficientReservedInstanceCapacity',
  'InsufficientCapacity', 'InsufficientCapacityOnHost', 'InsufficientVolumeCapacity',
  'InsufficientFreeAddressesInSubnet', 'MaxSpotInstanceCountExceeded', 'SpotMaxPriceTooLow',
  'InstanceLimitExceeded', 'VcpuLimitExceeded', 'VolumeLimitExceeded', 'Unsupported',
];

const THROTTLED = [
  'RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'RequestThrottled',
  'RequestThrottledException', 'TooManyRequestsException', 'PriorRequestNotComplete',
];

const INVALID = [
  'InvalidParameterValue', 'InvalidParameterCombination', 'InvalidParameter', 'MissingParameter',
  'UnknownParameter', 'UnexpectedParameter', 'InvalidInstanceType', 'IdempotentParameterMismatch',
  'InvalidAction', 'InvalidQueryParameter', 'MalformedQueryString', 'ValidationError', 'OperationNotPermitted',
  'InvalidBlockDeviceMapping', 'InvalidUserData.Malformed', 'InvalidClientToken',
  // Price List Query API
  'InvalidParameterException', 'NotFoundException', 'InvalidNextTokenException',
];

/** Credentials that are wrong, unsigned or lack a permission, or an account not opted in (not `InvalidClientToken`: a bad ClientToken). */
const PERMISSION = [
  'UnauthorizedOperation', 'AuthFailure', 'OptInRequired', 'Blocked', 'SignatureDoesNotMatch',
  'InvalidClientTokenId', 'UnrecognizedClientException', 'AccessDenied', 'AccessDeniedException',
  'MissingAuthenticationToken', 'InvalidAccessKeyId',
];

/** Families by prefix: every `InvalidAMIID.*`, `InvalidKeyPair.*`, ... is a bad launch spec. */
const INVALID_PREFIXES = [
  'InvalidAMIID.', 'InvalidKeyPair.', 'InvalidGroup.', 'InvalidGroupId.', 'InvalidSubnetID.',
  'InvalidSubnet.', 'InvalidSnapshot.', 'InvalidNetworkInterfaceID.', 'InvalidPlacementGroup.',
  'InvalidVpcID.', 'InvalidLaunchTemplate', 'InvalidIamInstanceProfile', 'InvalidInstanceType.',
];

const NOT_FOUND = ['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed', 'InvalidInstanceID'];

const TRANSIENT = [
  'InternalError', 'InternalFailure', 'Unavailable', 'ServiceUnavailable', 'ServiceUnavailableException',
  'RequestTimeout', 'RequestTimeoutException', 'RequestExpired', 'IDPCommunicationError', 'TimeoutError',
  'AbortError', 'PendingVerification',
  // Price List Query API: a paging token that expired mid-way; the next attempt starts over.
  'InternalErrorException', 'ExpiredNextTokenException',
];

/** Node and SDK codes of failures that happen before any HTTP answer arrives. */
const NETWORK_CODES = [
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT',
];

/** Every EC2 code with its kind (exported for the table test, which lists each code's expected kind). */
export const EC2_CODE_KINDS: ReadonlyMap<string, Ec2ErrorKind> = new Map<string, Ec2ErrorKind>([
  ...CAPACITY.map((c) => [c, 'capacity'] as const),
  ...THROTTLED.map((c) => [c, 'throttled'] as const),
  ...INVALID.map((c) => [c, 'invalid'] as const),
  ...PERMISSION.map((c) => [c, 'permission'] as const),
  ...NOT_FOUND.map((c) => [c, 'not-found'] as const),
  ...TRANSIENT.map((c) => [c, 'transient'] as const),
  ...NETWORK_CODES.map((c) => [c, 'transient'] as const),
]);

/** Messages are cut so that an error stays small in workflow histories and logs. */
const MAX_MESSAGE_LENGTH = 500;

/**
 * A classified EC2 failure. Thrown by everything in src/aws instead of SDK errors; it never
 * carries the SDK error (whose response could hold request details) as its cause.
 */
export class Ec2Error extends Error implements Ec2ErrorInfo {
  readonly kind: Ec2ErrorKind;
  readonly code: string;
  /** EC2 operation that failed, e.g. `RunInstances`; absent for local validation. */
  readonly operation?: string;
  readonly httpStatus?: number;
  readonly requestId?: string;

  constructor(info: Ec2ErrorInfo & { operation?: string; httpStatus?: number; requestId?: string }) {
    super(info.operation ? `${info.operation}: ${info.code}: ${info.message}` : `${info.code}: ${info.message}`);
    this.name = 'Ec2Error';
    this.kind = info.kind;
    this.code = info.code;
    this.operation = info.operation;
    this.httpStatus = info.httpStatus;
    this.requestId = info.requestId;
  }
}

/** `Server.InsufficientInstanceCapacity` (as in instance state reasons) -> `InsufficientInstanceCapacity`. */
function bareCode(code: string): string {
  return code.replace(/^(Server|Client)\./, '');
}

function kindOfCode(code: string): Ec2ErrorKind | undefined {
  const bare = bareCode(code);
  const known = EC2_CODE_KINDS.get(bare);
  if (known) return known;
  if (INVALID_PREFIXES.some((prefix) => bare.startsWith(prefix))) return 'invalid';
  if (bare.startsWith('AuthFailure.')) return 'permission';
  if (bare.startsWith('InvalidInstanceID.')) return 'not-found';
  return undefined;
}

function kindOfStatus(status: number | undefined): Ec2ErrorKind | undefined {
  if (status === undefined) return undefined;
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'permission';
  if (status >= 500) return 'transient';
  if (status >= 400) return 'invalid';
  return undefined;
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

/** The code an error carries: the SDK puts EC2's code in `name`; Node network errors use `code`. */
function codeOf(e: ErrorShape): string {
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error' && kindOfCode(candidate)) return candidate;
  }
  if (typeof e.name === 'string' && e.name !== '' && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  return 'UnknownError';
}

function statusOf(e: ErrorShape): number | undefined {
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Secrets are removed before the message is shortened, so that no part of one survives. */
function classify(err: unknown, secrets: readonly string[]): Ec2ErrorInfo {
  const redact = (m: string): string => truncate(secrets.reduce((text, s) => (s ? text.split(s).join('[redacted]') : text), m));
  if (err instanceof Ec2Error) return { kind: err.kind, code: err.code, message: redact(messageOf(err)) };
  const e: ErrorShape = typeof err === 'object' && err !== null ? err : { message: String(err) };
  const code = codeOf(e);
  const kind = kindOfCode(code) ?? kindOfStatus(statusOf(e)) ?? 'transient';
  return { kind, code: bareCode(code), message: redact(typeof e.message === 'string' ? e.message : '') };
}

/** An Ec2Error's AWS message, without the operation and code it prefixes. */
function messageOf(err: Ec2Error): string {
  const prefix = err.operation ? `${err.operation}: ${err.code}: ` : `${err.code}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}...` : message;
}

/**
 * Converts any failure of `operation` into an Ec2Error. Every string in `secrets` (user data,
 * client tokens) is replaced by `[redacted]` in the message, in case EC2 echoed it.
 */
export function toEc2Error(err: unknown, operation?: string, secrets: readonly string[] = []): Ec2Error {
  if (err instanceof Ec2Error && (operation === undefined || err.operation === operation) && secrets.length === 0) return err;
  const info = classify(err, secrets);
  if (err instanceof Ec2Error) {
    return new Ec2Error({ ...info, operation: operation ?? err.operation, httpStatus: err.httpStatus, requestId: err.requestId });
  }
  const e: ErrorShape = typeof err === 'object' && err !== null ? err : {};
  const requestId = typeof e.$metadata?.requestId === 'string' ? e.$metadata.requestId : undefined;
  return new Ec2Error({ ...info, operation, httpStatus: statusOf(e), requestId });
}
