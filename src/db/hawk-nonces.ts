// Hawk replay protection in PostgreSQL, so that a request accepted by one API replica is
// refused by every other. Keys are stored as SHA-256 digests: fixed width whatever the
// client id and nonce lengths, and no client id in the table.
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';

export interface NonceStore {
  /**
   * Resolves true when `key` was recorded before (a replay), otherwise records it and
   * resolves false. One INSERT ... ON CONFLICT DO NOTHING decides, so of concurrent
   * requests with the same key on any replicas exactly one sees false.
   * `tsMs` is the request's Hawk timestamp; the key is kept until `tsMs + retainMs`.
   * Database errors propagate (the caller answers 5xx, never "replay").
   */
  seen(key: string, tsMs: number): Promise<boolean>;
  /** Deletes keys whose expiry has passed; returns how many. Safe from several replicas. */
  sweepExpired(now: Date): Promise<number>;
}

/**
 * `retainMs` must be at least the authenticator's timestamp skew: a request stays
 * acceptable until `ts + skew` on the server clock. An expired row that is not yet swept
 * still counts as seen, which is harmless: its timestamp already fails the skew check.
 */
export function createNonceStore(db: PrismaClient, opts: { retainMs: number }): NonceStore {
  if (!(opts.retainMs > 0)) throw new RangeError('retainMs must be positive');
  return {
    async seen(key, tsMs) {
      if (!Number.isSafeInteger(tsMs)) throw new RangeError('tsMs must be an integer number of milliseconds');
      const keyHash = createHash('sha256').update(key, 'utf8').digest('hex');
      const inserted = await db.$executeRaw`
        INSERT INTO "HawkNonce" ("keyHash", "expiresAt") VALUES (${keyHash}, ${new Date(tsMs + opts.retainMs)})
        ON CONFLICT ("keyHash") DO NOTHING`;
      return inserted === 0;
    },
    async sweepExpired(now) {
      return (await db.hawkNonce.deleteMany({ where: { expiresAt: { lte: now } } })).count;
    },
  };
}
