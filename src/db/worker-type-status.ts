// What each worker type's loop recorded: its last iteration report and its last failure
// (read for `state`, summaries and backendStatus by ./status.ts).
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { IterationReport, LaunchErrorChange } from '../domain/iteration-report';

export function createWorkerTypeStatusRepository(db: PrismaClient) {
  return {
    /** Stores the report (an upsert by worker type) and clears the loop's failure. */
    async recordIteration(report: IterationReport, launchError: LaunchErrorChange | null): Promise<void> {
      const data = {
        iteration: report.iteration, lastIterationAt: new Date(report.at), pendingTasks: report.pendingTasks,
        queueError: report.queueError, report: report as unknown as Prisma.InputJsonObject,
        ...(launchError === null ? {} : { lastLaunchError: launchError.lastLaunchError }),
        ...(launchError !== null && 'lastErrorAt' in launchError ? { lastErrorAt: new Date(launchError.lastErrorAt) } : {}),
        loopError: null, loopErrorAt: null,
      };
      await db.workerTypeStatus.upsert({ where: { workerType: report.workerType }, create: { workerType: report.workerType, ...data }, update: data });
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
