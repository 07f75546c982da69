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
    async databaseHealthy(): Promise<void> {
      await db.$queryRaw`SELECT 1`;
    },
  };
}

export type StatusRepository = ReturnType<typeof createStatusRepository>;
