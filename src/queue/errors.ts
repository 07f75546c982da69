// One classification of the TaskCluster Queue's failures: every way pendingTasks can fail,
// mapped onto the failure kinds of src/domain/failure-kinds.ts (which say how each is retried).
//
//   HTTP 5xx, 408, no answer in time, a failed connection  -> transient
//   HTTP 429                                              -> throttled
//   HTTP 401, 403                                         -> permission
//   any other HTTP 4xx (404: a wrong root URL)            -> invalid
//   a body that is not JSON, or too large                 -> transient: what proxies and load
//                                                            balancers send while the Queue is down
//   JSON of the wrong shape (not an object, another worker
//   type, a count that is not a non-negative integer)     -> invalid: whatever answers is not the
//                                                            Queue's pendingTasks, and it answers
//                                                            the same again
import type { FailureKind } from '../domain/failure-kinds';

/** What went wrong, when the Queue did not answer with an HTTP error status. */
export type QueueFault = 'timeout' | 'connection' | 'not-json' | 'too-large' | 'wrong-shape';

const KIND_OF_FAULT: Readonly<Record<QueueFault, FailureKind>> = {
  timeout: 'transient',
  connection: 'transient',
  'not-json': 'transient',
  'too-large': 'transient',
  'wrong-shape': 'invalid',
};

export function kindOfQueueStatus(status: number): FailureKind {
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'permission';
  if (status === 408) return 'transient';
  if (status >= 400 && status < 500) return 'invalid';
  return 'transient';
}

function kindOfQueueFault(fault: QueueFault): FailureKind {
  return KIND_OF_FAULT[fault];
}

/**
 * The Queue did not give a trustworthy answer; `reason` says why in a few words (it never
 * holds the URL's credentials or a body beyond the TaskCluster error code).
 */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
  readonly kind: FailureKind;
  /** HTTP status, when the Queue answered with one. */
  readonly status?: number;

  /** `cause` is the HTTP error status the Queue answered, or what else went wrong. */
  constructor(readonly reason: string, cause: { status: number } | { fault: QueueFault; status?: number }) {
    super(`TaskCluster Queue unavailable: ${reason}`);
    this.status = cause.status;
    this.kind = 'fault' in cause ? kindOfQueueFault(cause.fault) : kindOfQueueStatus(cause.status);
  }
}
