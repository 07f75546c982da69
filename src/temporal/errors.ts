// Recognises "Temporal cannot be reached now", so the API answers 503 for that and lets every
// other failure of a Temporal call reach its error middleware as the bug it is (a 500).
import { isGrpcServiceError } from '@temporalio/client';
import { causesOf } from '../log-errors';

/**
 * gRPC statuses of a frontend that is down, restarting, overloaded or too slow for the call's
 * deadline (src/temporal/workflow-control.ts CALL_DEADLINE_MS): retrying later can succeed.
 */
const UNAVAILABLE_GRPC = new Set([14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */]);
/** Node codes of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function isTemporalUnavailable(err: unknown): boolean {
  return causesOf(err).some((e) => {
    if (isGrpcServiceError(e)) return UNAVAILABLE_GRPC.has(e.code);
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && NETWORK_CODES.has(code);
  });
}
