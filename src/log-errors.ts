// What of a failure goes into a log line: each link of its `cause` chain with its class name,
// code and message. Wrapped errors hide the real reason in their causes (the Temporal
// client's `ServiceError: Failed to start Workflow` carries the server's answer, e.g. `Namespace
// default has no mapping defined for search attribute WorkerType`, as its cause), so a log
// line that keeps only the outer message says nothing useful.
//
// Contract: only `name`, `code`, the gRPC status name and `message` of each link are kept,
// plus the outermost stack. Never gRPC metadata, request options or other properties, which
// may carry headers such as an API key. Messages are cut; a cycle or a deep chain stops.

/** How deep a cause chain is followed; the Temporal client wraps a gRPC error once or twice. */
const MAX_DEPTH = 5;
const MAX_MESSAGE = 300;
const MAX_STACK = 2000;

/** Names of gRPC status codes (a stable wire enum), so a log line says `PERMISSION_DENIED`, not 7. */
const GRPC_STATUS = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

export interface ErrorLink { name: string; code?: string | number; grpcStatus?: string; message: string }

/** The error itself, then its cause, its cause's cause... (at most MAX_DEPTH, no repeats). */
export function causesOf(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < MAX_DEPTH && !chain.includes(e); e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}

function linkOf(e: unknown): ErrorLink {
  if (typeof e !== 'object' || e === null) return { name: typeof e, message: String(e).slice(0, MAX_MESSAGE) };
  const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
  const grpcStatus = typeof code === 'number' && isGrpcLike(e) ? GRPC_STATUS[code] : undefined;
  return {
    name: typeof name === 'string' ? name : 'Object',
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(grpcStatus ? { grpcStatus } : {}),
    message: (typeof message === 'string' ? message : String(e)).slice(0, MAX_MESSAGE),
  };
}

/** gRPC errors (grpc-js, and the SDK's native connection) carry `details` beside a numeric code. */
function isGrpcLike(e: object): boolean {
  return 'details' in e || 'metadata' in e;
}

/** The cause chain of a failure, outermost first. */
export function causeChain(err: unknown): ErrorLink[] {
  return causesOf(err).map(linkOf);
}

/** A failure for a log line: `{ message, chain, stack }`; the message joins every link's. */
export function serializeError(err: unknown): { message: string; chain: ErrorLink[]; stack?: string } | object {
  // Already described (the SDK's log lines, src/worker/temporal-logging.ts describeError): kept as is.
  if (typeof err === 'object' && err !== null && !(err instanceof Error)) return err;
  const chain = causeChain(err);
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack.slice(0, MAX_STACK) : undefined;
  return { message: describeCauses(err), chain, ...(stack ? { stack } : {}) };
}

/** The chain as one line, for error messages a person reads (process exit, API details). */
export function describeCauses(err: unknown): string {
  return causeChain(err).map((l) => l.message).join(': caused by: ');
}
