// Hawk replay protection in PostgreSQL, so that a request accepted by one API replica is
// refused by every other. Nonces are recorded when a request is admitted (./admission.ts);
// this store only removes them once they can no longer matter.
import type { PrismaClient } from '../generated/prisma/client';

export interface NonceStore {
  /**
   * Deletes keys whose expiry has passed; returns how many. Safe from several replicas. An
   * expired key that is not yet swept still counts as seen, which is harmless: its request's
   * timestamp already fails the skew check.
   */
  sweepExpired(now: Date): Promise<number>;
}

export function createNonceStore(db: PrismaClient): NonceStore {
  return {
    async sweepExpired(now) {
      return (await db.hawkNonce.deleteMany({ where: { expiresAt: { lte: now } } })).count;
    },
  };
}
