// Reads of what the loops recorded: the last iteration per worker type and the health of
// each region's inventory, for `state`, summaries and backendStatus.
import type { PrismaClient } from '../generated/prisma/client';

export function createStatusRepository(db: PrismaClient) {
  return {
    async workerType(name: string) {
      return db.workerTypeStatus.findUnique({ where: { workerType: name } });
    },
    async regions() {
      return db.regionStatus.findMany({ orderBy: { region: 'asc' } });
    },
    async lastIterationAt(): Promise<Date | null> {
      const latest = await db.workerTypeStatus.aggregate({ _max: { lastIterationAt: true } });
      return latest._max.lastIterationAt;
    },
    /** Instances of a worker type for `state`: live ones and those terminated in the last hour. */
    async instances(workerType: string, now: Date) {
      return db.instance.findMany({
        where: { workerType, OR: [{ state: { not: 'terminated' } }, { lastSeen: { gte: new Date(now.getTime() - 3_600_000) } }] },
        orderBy: { launched: 'asc' },
      });
    },
    /**
     * The Queue as the loops last saw it: how many existing worker types have recorded an
     * iteration, and those whose latest iteration got no answer from the Queue.
     */
    async queueHealth(): Promise<{ checked: number; failing: { workerType: string; queueError: string }[] }> {
      const names = (await db.workerType.findMany({ select: { name: true } })).map((r) => r.name);
      const rows = await db.workerTypeStatus.findMany({
        where: { workerType: { in: names } }, select: { workerType: true, queueError: true }, orderBy: { workerType: 'asc' },
      });
      const failing = rows.flatMap((r) => (r.queueError === null ? [] : [{ workerType: r.workerType, queueError: r.queueError }]));
      return { checked: rows.length, failing };
    },
    /** Existing worker types whose loop recorded a failed pass that no iteration has cleared yet. */
    async failingLoops(): Promise<{ workerType: string; loopError: string }[]> {
      const names = (await db.workerType.findMany({ select: { name: true } })).map((r) => r.name);
      const rows = await db.workerTypeStatus.findMany({
        where: { workerType: { in: names }, loopError: { not: null } }, select: { workerType: true, loopError: true }, orderBy: { workerType: 'asc' },
      });
      return rows.map((r) => ({ workerType: r.workerType, loopError: r.loopError! }));
    },
    async databaseHealthy(): Promise<void> {
      await db.$queryRaw`SELECT 1`;
    },
  };
}

export type StatusRepository = ReturnType<typeof createStatusRepository>;
