// What the Queue is told about a worker type (declareWorkerType), and when. The Queue lists
// declared worker types (the TaskCluster UI shows them) and forgets one whose `expires` has
// passed, so a live worker type is declared again at least daily, as the original did.

const HOUR_MS = 3_600_000;

/** The request body of the Queue's declareWorkerType (update-workertype-request.json: no other keys). */
export interface WorkerTypeDeclaration {
  stability: WorkerTypeStability;
  description: string;
  /** ISO 8601 date-time after which the Queue forgets the worker type. */
  expires: string;
}

export type WorkerTypeStability = 'experimental' | 'stable' | 'deprecated';
export const WORKER_TYPE_STABILITIES: readonly WorkerTypeStability[] = ['experimental', 'stable', 'deprecated'];

/** As the original: 36 hours, so one missed daily declaration does not make the Queue forget it. */
export const DECLARATION_LIFETIME_MS = 36 * HOUR_MS;
/** A worker type is declared again this long after its last successful declaration. */
export const REDECLARE_AFTER_MS = 24 * HOUR_MS;
/** After a declaration failed past its retries, the next attempt waits this long. */
export const REDECLARE_AFTER_FAILURE_MS = HOUR_MS;

/** The body for a worker type, as the original built it: the description, then its owner. */
export function workerTypeDeclaration(
  definition: { description: string; owner: string }, stability: WorkerTypeStability, now: Date,
): WorkerTypeDeclaration {
  return {
    stability,
    description: `${definition.description}\n\nOwner: ${definition.owner}`,
    expires: new Date(now.getTime() + DECLARATION_LIFETIME_MS).toISOString(),
  };
}

/**
 * When the next declaration is due (epoch ms), given how the last one ended at `now`. `owed`
 * is the due time already set, which a definition change (due at once) may have moved
 * earlier while the declaration was running: an earlier due time is kept.
 */
export function nextDeclarationAt(outcome: 'declared' | 'gone' | 'failed', now: number, owed: number): number {
  const after = outcome === 'failed' ? REDECLARE_AFTER_FAILURE_MS : REDECLARE_AFTER_MS;
  return Math.min(owed, now + after);
}
