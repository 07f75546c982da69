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
      };
      await deps.db.workerTypeStatus.upsert({ where: { workerType: report.workerType }, create: { workerType: report.workerType, ...data }, update: data });
    },
  };
}
