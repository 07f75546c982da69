// Liveness and readiness, shared by the API (src/api/monitoring.ts) and the worker's
// metrics listener. Liveness is "the process answers"; readiness is "it can do its work".

/** One readiness check's name and whether it passed; `reason` is a fixed public text, never an error message. */
export interface CheckResult { name: string; ok: boolean; reason?: string }

export type ReadinessCheck = () => Promise<CheckResult>;

/**
 * How long a readiness check may take before it counts as failed. A first query opens a
 * connection, which on a busy host takes a good part of a second; probes need a timeout
 * above this (README, Monitoring).
 */
const CHECK_TIMEOUT_MS = 2_000;

/** Passes when `ping` resolves within CHECK_TIMEOUT_MS (a database that hangs is as unready as one that refuses). */
export function databaseCheck(ping: () => Promise<unknown>): ReadinessCheck {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS); });
    try {
      await Promise.race([ping(), timeout]);
      return { name: 'database', ok: true };
    } catch {
      return { name: 'database', ok: false, reason: 'the database is unreachable' };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Runs every check at once; the answer's status is 200 when all pass, else 503. */
export async function readiness(checks: readonly ReadinessCheck[]): Promise<{ status: 200 | 503; body: { ready: boolean; checks: CheckResult[] } }> {
  const results = await Promise.all(checks.map((check) => check()));
  const ready = results.every((r) => r.ok);
  return { status: ready ? 200 : 503, body: { ready, checks: results } };
}
