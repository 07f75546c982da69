// Hawk replay protection in PostgreSQL, so that a request accepted by one API replica is
// refused by every other. Keys are stored as SHA-256 digests: fixed width whatever the
// client id and nonce lengths, and no client id in the table.
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import { sqlPool } from './client';

export interface NonceStore {
  /**
   * Resolves true when `key` was recorded before (a replay), otherwise records it and
   * resolves false. One INSERT ... ON CONFLICT DO NOTHING decides, so of concurrent
   * requests with the same key on any replicas exactly one sees false.
   * `tsMs` is the request's Hawk timestamp; the key is kept until `tsMs + 2 * skewMs`.
   * Database errors propagate (the caller answers 5xx, never "replay").
   */
  seen(key: string, tsMs: number): Promise<boolean>;
  /** Deletes keys whose expiry has passed; returns how many. Safe from several replicas. */
  sweepExpired(now: Date): Promise<number>;
}

/**
 * `skewMs` is the authenticator's allowed timestamp skew: a request stays acceptable until
 * `ts + skew` on the server clock, so its key must be kept at least that long; a second
 * skew of margin covers replicas whose clocks differ by up to that much. An expired row
 * that is not yet swept still counts as seen, which is harmless: its timestamp already
 * fails the skew check.
 */
export function createNonceStore(db: PrismaClient, opts: { skewMs: number }): NonceStore {
  if (!(opts.skewMs > 0)) throw new RangeError('skewMs must be positive');
  const retainMs = 2 * opts.skewMs;
  // Every signed request records its nonce: a plain statement on the pool, not through Prisma's runtime.
  const pool = sqlPool(db);
  return {
    async seen(key, tsMs) {
      if (!Number.isSafeInteger(tsMs)) throw new RangeError('tsMs must be an integer number of milliseconds');
      const keyHash = createHash('sha256').update(key, 'utf8').digest('hex');
      const { rowCount } = await pool.query({
        name: 'hawk-nonce',
        text: 'INSERT INTO "HawkNonce" ("keyHash", "expiresAt") VALUES ($1, $2) ON CONFLICT ("keyHash") DO NOTHING',
        values: [keyHash, new Date(tsMs + retainMs)],
      });
      return rowCount === 0;
    },
    async sweepExpired(now) {
      return (await db.hawkNonce.deleteMany({ where: { expiresAt: { lte: now } } })).count;
    },
  };
}
