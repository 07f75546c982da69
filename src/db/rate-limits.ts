// Fixed-window request counters per rate key in PostgreSQL, shared by every API replica.
// Column `clientId` holds the rate key: a client id, or for temporary credentials one with
// a `#temp:` suffix (src/api/rate-limit.ts).
import type { PrismaClient } from '../generated/prisma/client';
import { sqlPool } from './client';

export interface RateLimitStore {
  /**
   * Counts one request of rate key `key` in the window starting at `windowStart` and returns
   * the window's count including it. One upsert-increment, so concurrent requests on any
   * replicas each get a distinct count.
   */
  hit(key: string, windowStart: Date): Promise<number>;
  /** Deletes windows that started before `cutoff`; returns how many. */
  sweepBefore(cutoff: Date): Promise<number>;
}

const HIT = `INSERT INTO "RateLimit" ("clientId", "windowStart", "count") VALUES ($1, $2, 1)
  ON CONFLICT ("clientId", "windowStart") DO UPDATE SET "count" = "RateLimit"."count" + 1
  RETURNING "count"`;

export function createRateLimitStore(db: PrismaClient): RateLimitStore {
  // Every authorized write counts here: a plain statement on the pool, not through Prisma's runtime.
  const pool = sqlPool(db);
  return {
    async hit(key, windowStart) {
      const { rows } = await pool.query<{ count: number }>({ name: 'rate-limit-hit', text: HIT, values: [key, windowStart] });
      const count = rows[0]?.count;
      if (typeof count !== 'number') throw new Error('rate limit upsert returned no count');
      return count;
    },
    async sweepBefore(cutoff) {
      return (await db.rateLimit.deleteMany({ where: { windowStart: { lt: cutoff } } })).count;
    },
  };
}
