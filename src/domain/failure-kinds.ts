// The failure kinds: what every classified failure of an outside service (EC2, the TaskCluster
// Queue) is, and what retrying it can do. The boundaries (src/aws/errors.ts,
// src/queue/errors.ts) map their errors onto these kinds, activities turn them into
// ApplicationFailures whose `type` is the kind, and workflows read failures by kind.
//
// Wire contract: the kind names are the `type` of activity failures in workflow histories
// and in the Temporal UI. They never change; a new kind is added, never renamed.

export const FAILURE_KINDS = ['transient', 'throttled', 'capacity', 'invalid', 'permission', 'not-found'] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

/** How long a throttled call waits before its retry, so that the service's token bucket refills (ms). */
export const THROTTLE_RETRY_DELAY_MS = 20_000;

export interface FailureSemantics {
  /** Whether sending the very same request again later can succeed. */
  retryable: boolean;
  /** A delay the retry must wait instead of the activity's backoff (ms). */
  nextRetryDelayMs?: number;
  /** For operators: what the kind means and what the provisioner does about it. */
  description: string;
}

export const FAILURE_SEMANTICS: Readonly<Record<FailureKind, FailureSemantics>> = {
  transient: {
    retryable: true,
    description: 'The service or the network failed for a moment; the call is retried with backoff.',
  },
  throttled: {
    retryable: true, nextRetryDelayMs: THROTTLE_RETRY_DELAY_MS,
    description: 'The service is rate limiting us; the call is retried after a pause.',
  },
  // Retrying the same request soon fails the same way; the planner moves to another offering
  // (launches turn this kind into an outcome) and loops ask again at their next interval.
  capacity: {
    retryable: false,
    description: 'AWS cannot place the request now (zone, instance type, spot pool or account limit); another offering is tried.',
  },
  invalid: {
    retryable: false,
    description: 'The request is wrong (a bad launch specification, parameter or answer); not retried until it is fixed.',
  },
  permission: {
    retryable: false,
    description: 'Our credentials are missing, wrong or lack a permission; not retried until an operator fixes them.',
  },
  // Callers for which missing means done (terminating an instance) handle it before it gets here.
  'not-found': {
    retryable: false,
    description: 'What the request names does not exist; not retried.',
  },
};

function isFailureKind(value: unknown): value is FailureKind {
  return typeof value === 'string' && (FAILURE_KINDS as readonly string[]).includes(value);
}

export function isRetryable(kind: FailureKind): boolean {
  return FAILURE_SEMANTICS[kind].retryable;
}

/**
 * Failure types activities wrote before the kinds existed, as they appear in recorded
 * histories and in runs that were in flight across the deploy.
 */
const LEGACY_TYPES: Readonly<Record<string, FailureKind>> = {
  Ec2Throttled: 'throttled',
  Ec2Transient: 'transient',
  QueueUnavailable: 'transient',
};

/** The kind an ApplicationFailure `type` names, or undefined for a failure we did not classify. */
export function kindOfFailureType(type: string | undefined | null): FailureKind | undefined {
  if (!type) return undefined;
  return isFailureKind(type) ? type : LEGACY_TYPES[type];
}
