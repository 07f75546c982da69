// Recognises "Temporal cannot be reached now", so the API answers 503 for that and lets every
// other failure of a Temporal call reach its error middleware as the bug it is (a 500).
import { isGrpcServiceError } from '@temporalio/client';

/**
 * gRPC statuses of a frontend that is down, restarting, overloaded or too slow for the call's
 * deadline (src/temporal/workflow-control.ts CALL_DEADLINE_MS): retrying later can succeed.
 */
const UNAVAILABLE_GRPC = new Set([14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */]);
/** Node codes of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** How deep a cause chain is followed; the client wraps a gRPC error once or twice. */
const MAX_DEPTH = 5;

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < MAX_DEPTH; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

export function isTemporalUnavailable(err: unknown): boolean {
  return causes(err).some((e) => {
    if (isGrpcServiceError(e)) return UNAVAILABLE_GRPC.has(e.code);
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && NETWORK_CODES.has(code);
  });
}

/**
 * A failure and its causes for a log line: class name, code and message (cut to 300
 * characters) of each. Never the gRPC metadata or request, which carry headers such as an
 * API key.
 */
export function causeChain(err: unknown): Array<{ name: string; code?: string | number; message: string }> {
  return causes(err).map((e) => {
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    return {
      name: typeof name === 'string' ? name : typeof e,
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      message: (typeof message === 'string' ? message : String(e)).slice(0, 300),
    };
  });
}
