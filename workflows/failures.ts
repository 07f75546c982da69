// Turning failures into short text for reports, logs and the Temporal UI.

/**
 * The innermost message of a failure chain, cut to 300 characters. An activity's failure
 * arrives as ActivityFailure ("Activity task failed"), whose cause says what went wrong.
 */
export function failureMessage(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}
