// The health of each region's inventory loop (read for backendStatus by ./status.ts) and the
// zones its price refresh found (read by every iteration, ./observation-reads.ts).
import type { PrismaClient } from '../generated/prisma/client';

export function createRegionStatusRepository(db: PrismaClient) {
  return {
    async recordAttempt(region: string, at: Date): Promise<void> {
      await db.regionStatus.upsert({ where: { region }, create: { region, lastAttemptAt: at }, update: { lastAttemptAt: at } });
    },

    /** A pass succeeded: the error of an earlier one is cleared. The row exists (recordAttempt). */
    async recordSuccess(region: string, at: Date): Promise<void> {
      await db.regionStatus.update({ where: { region }, data: { lastSuccessAt: at, lastError: null } });
    },

    async recordError(region: string, error: string): Promise<void> {
      await db.regionStatus.upsert({ where: { region }, create: { region, lastError: error }, update: { lastError: error } });
    },
  };
}

export type RegionStatusRepository = ReturnType<typeof createRegionStatusRepository>;
