// Fixed-window request counters per client in PostgreSQL, shared by every API replica.
import type { PrismaClient } from '../generated/prisma/client';

export interface RateLimitStore {
  /**
   * Counts one request of `clientId` in the window starting at `windowStart` and returns
   * the window's count including it. One upsert-increment, so concurrent requests on any
   * replicas each get a distinct count.
   */
  hit(clientId: string, windowStart: Date): Promise<number>;
  /** Deletes windows that started before `cutoff`; returns how many. */
  sweepBefore(cutoff: Date): Promise<number>;
}

export function createRateLimitStore(db: PrismaClient): RateLimitStore {
  return {
    async hit(clientId, windowStart) {
      const rows = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO "RateLimit" ("clientId", "windowStart", "count") VALUES (${clientId}, ${windowStart}, 1)
        ON CONFLICT ("clientId", "windowStart") DO UPDATE SET "count" = "RateLimit"."count" + 1
        RETURNING "count"`;
      const count = rows[0]?.count;
      if (typeof count !== 'number') throw new Error('rate limit upsert returned no count');
      return count;
    },
    async sweepBefore(cutoff) {
      return (await db.rateLimit.deleteMany({ where: { windowStart: { lt: cutoff } } })).count;
    },
  };
}
