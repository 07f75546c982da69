// How the Temporal worker stops (SIGTERM, or Ctrl-C in dev mode): it stops polling at once,
// so no new workflow or activity task starts; running activities get the grace period
// (WORKER_SHUTDOWN_GRACE) to finish and are cancelled when it is over; the worker then waits
// at most SHUTDOWN_FORCE_MARGIN_MS for them to report before it gives up on them.
// A container platform must wait longer than grace + margin before it kills the process.

/** Time after the grace period for cancelled activities to report their failure to the server. */
export const SHUTDOWN_FORCE_MARGIN_MS = 5_000;

/** The `Worker.create` options for a shutdown grace period of `graceMs` milliseconds. */
export function shutdownTimes(graceMs: number): { shutdownGraceTime: number; shutdownForceTime: number } {
  return { shutdownGraceTime: graceMs, shutdownForceTime: graceMs + SHUTDOWN_FORCE_MARGIN_MS };
}
