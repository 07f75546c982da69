// What the last iteration of a worker type saw and did, stored for the API (`state`,
// summaries) alongside the workflow's own query and UI details.
import type { Prisma } from '../src/generated/prisma/client';
import type { ActivityDeps } from './deps';

export interface IterationReport {
  workerType: string;
  iteration: number;
  at: string;
  pendingTasks: number | null;
  queueError: string | null;
  capacity: { running: number; pending: number; requested: number };
  change: number;
  launched: Array<{ instanceId: string; region: string; zone: string; instanceType: string; market: string }>;
  launchFailures: Array<{ region: string; zone: string; instanceType: string; market: string; code: string; message?: string }>;
  terminated: Array<{ instanceId: string; reason: string }>;
  notes: string[];
}

export function reportActivities(deps: ActivityDeps) {
  return {
    async recordIteration(report: IterationReport): Promise<void> {
      const invalid = report.launchFailures.find((f) => f.message !== undefined);
      const data = {
        iteration: report.iteration, lastIterationAt: new Date(report.at), pendingTasks: report.pendingTasks,
        queueError: report.queueError, report: report as unknown as Prisma.InputJsonObject,
        ...(invalid ? { lastLaunchError: `${invalid.code}: ${invalid.message}`.slice(0, 1000), lastErrorAt: new Date(report.at) } : {}),
        // A clean iteration that launched shows the problem is gone.
        ...(!invalid && report.launched.length > 0 ? { lastLaunchError: null } : {}),
        loopError: null, loopErrorAt: null,
      };
      await deps.db.workerTypeStatus.upsert({ where: { workerType: report.workerType }, create: { workerType: report.workerType, ...data }, update: data });
    },

    /**
     * A pass of the loop failed after its retries (`error` is the public text, never internal
     * detail). Before the first iteration the row is created with iteration 0, which `state`
     * reports as no iteration yet.
     */
    async recordLoopFailure(req: { workerType: string; error: string }): Promise<void> {
      const at = deps.now();
      const loopError = req.error.slice(0, 1000);
      await deps.db.workerTypeStatus.upsert({
        where: { workerType: req.workerType },
        create: { workerType: req.workerType, iteration: 0, lastIterationAt: new Date(0), report: {}, loopError, loopErrorAt: at },
        update: { loopError, loopErrorAt: at },
      });
    },
  };
}
