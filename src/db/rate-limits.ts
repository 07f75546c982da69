// Fixed-window request counters per rate key in PostgreSQL, shared by every API replica.
// Column `clientId` holds the rate key: a client id, or for temporary credentials one with
// a `#temp:` suffix (src/api/rate-limit.ts). Requests are counted when they are admitted
// (./admission.ts); this store only removes windows that are over.
import type { PrismaClient } from '../generated/prisma/client';

export interface RateLimitStore {
  /** Deletes windows that started before `cutoff`; returns how many. */
  sweepBefore(cutoff: Date): Promise<number>;
}

export function createRateLimitStore(db: PrismaClient): RateLimitStore {
  return {
    async sweepBefore(cutoff) {
      return (await db.rateLimit.deleteMany({ where: { windowStart: { lt: cutoff } } })).count;
    },
  };
}
