// What each worker type's loop recorded: its last iteration report and its last failure
// (read for `state`, summaries and backendStatus by ./status.ts).
import type { PrismaClient } from '../generated/prisma/client';
import { sqlPool } from './client';
import type { IterationReport, LaunchErrorChange } from '../domain/iteration-report';

/** Report fields that differ between passes that saw and did the same. */
const PASS_FIELDS = ['iteration', 'at', 'startedAt', 'plannedAt'];

// Every loop runs this every interval: plain SQL on the pool under Prisma's adapter
// (./client.ts sqlPool), prepared once per connection. $9: the iteration changes the launch
// error; $10: it sets lastErrorAt; $11: the age in ms after which an unchanged report is written again.
const RECORD_ITERATION = `
  INSERT INTO "WorkerTypeStatus" AS s ("workerType", "iteration", "lastIterationAt", "pendingTasks", "queueError", "report",
    "lastLaunchError", "lastErrorAt", "loopError", "loopErrorAt")
  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, NULL, NULL)
  ON CONFLICT ("workerType") DO UPDATE SET
    "iteration" = EXCLUDED."iteration", "lastIterationAt" = EXCLUDED."lastIterationAt",
    "pendingTasks" = EXCLUDED."pendingTasks", "queueError" = EXCLUDED."queueError", "report" = EXCLUDED."report",
    "lastLaunchError" = CASE WHEN $9::boolean THEN EXCLUDED."lastLaunchError" ELSE s."lastLaunchError" END,
    "lastErrorAt" = CASE WHEN $10::boolean THEN EXCLUDED."lastErrorAt" ELSE s."lastErrorAt" END,
    "loopError" = NULL, "loopErrorAt" = NULL
  WHERE $9::boolean OR s."loopError" IS NOT NULL
    OR s."lastIterationAt" <= EXCLUDED."lastIterationAt" - $11::float8 * INTERVAL '1 millisecond'
    OR (s."report" - $12::text[]) IS DISTINCT FROM (EXCLUDED."report" - $12::text[])`;

export function createWorkerTypeStatusRepository(db: PrismaClient) {
  const pool = sqlPool(db);
  return {
    /**
     * Stores the report (an upsert by worker type) and clears the loop's failure, unless the
     * stored report says the same: an iteration that saw and did what the stored one did
     * (its counter and times aside), with no launch error change and no loop failure to
     * clear, writes nothing until the stored one is `maxAgeMs` old. Idle loops thus write a
     * row every `maxAgeMs`, not every iteration. True when the row was written.
     */
    async recordIteration(report: IterationReport, launchError: LaunchErrorChange | null, maxAgeMs = 0): Promise<boolean> {
      const setsError = launchError !== null && 'lastErrorAt' in launchError;
      const { rowCount } = await pool.query({
        name: 'record-iteration', text: RECORD_ITERATION,
        values: [
          report.workerType, report.iteration, new Date(report.at), report.pendingTasks, report.queueError, JSON.stringify(report),
          launchError?.lastLaunchError ?? null, setsError ? new Date(launchError.lastErrorAt) : null,
          launchError !== null, setsError, maxAgeMs, PASS_FIELDS,
        ],
      });
      return (rowCount ?? 0) > 0;
    },

    /** Before the first iteration the row is created with iteration 0, which `state` reports as no iteration yet. */
    async recordLoopFailure(workerType: string, loopError: string, at: Date): Promise<void> {
      await db.workerTypeStatus.upsert({
        where: { workerType },
        create: { workerType, iteration: 0, lastIterationAt: new Date(0), report: {}, loopError, loopErrorAt: at },
        update: { loopError, loopErrorAt: at },
      });
    },
  };
}

export type WorkerTypeStatusRepository = ReturnType<typeof createWorkerTypeStatusRepository>;
