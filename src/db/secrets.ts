// One-time secrets. The token is the capability: rows are keyed by its SHA-256 and the
// payload is encrypted with the row key as associated data, so neither a database dump
// nor a log line reveals a usable token or the data behind it.
import type { PrismaClient } from '../generated/prisma/client';
import { jsonEqual } from '../domain/definition-compare';
import { SecretBox, hashToken } from './secret-box';
import { isUniqueViolation } from './worker-types';

export interface SecretPayload {
  workerType: string;
  secrets: Record<string, unknown>;
  scopes: string[];
}

interface SecretRow { tokenHash: string; workerType: string; ciphertext: string; expiration: Date }

export function createSecretRepository(db: PrismaClient, box: SecretBox) {
  const seal = (hash: string, p: SecretPayload) =>
    box.encrypt(JSON.stringify({ secrets: p.secrets, scopes: p.scopes }), `secret:${hash}:${p.workerType}`);
  const open = (row: SecretRow): SecretPayload => ({
    workerType: row.workerType,
    ...(JSON.parse(box.decrypt(row.ciphertext, `secret:${row.tokenHash}:${row.workerType}`)) as Omit<SecretPayload, 'workerType'>),
  });

  return {
    /** Idempotent: the same payload again succeeds; a different one is a conflict. */
    async create(token: string, payload: SecretPayload, expiration: Date): Promise<'created' | 'unchanged' | 'conflict'> {
      const tokenHash = hashToken(token);
      try {
        await db.secret.create({
          data: { tokenHash, workerType: payload.workerType, ciphertext: seal(tokenHash, payload), expiration },
        });
        return 'created';
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const row = await db.secret.findUnique({ where: { tokenHash } });
      if (!row) return this.create(token, payload, expiration);
      const existing = open(row);
      const same = existing.workerType === payload.workerType && jsonEqual(existing.secrets, payload.secrets)
        && jsonEqual(existing.scopes, payload.scopes);
      return same ? 'unchanged' : 'conflict';
    },

    /**
     * Reads and deletes in one statement: of concurrent readers exactly one gets the
     * payload. Expired secrets are not returned (the sweep deletes them).
     */
    async take(token: string, now: Date): Promise<SecretPayload | null> {
      const rows = await db.$queryRaw<SecretRow[]>`
        DELETE FROM "Secret" WHERE "tokenHash" = ${hashToken(token)} AND "expiration" > ${now}
        RETURNING "tokenHash", "workerType", "ciphertext", "expiration"`;
      return rows[0] ? open(rows[0]) : null;
    },

    /** The worker type of the unexpired secret for this token, or null. */
    async workerTypeOf(token: string, now: Date): Promise<string | null> {
      const row = await db.secret.findFirst({ where: { tokenHash: hashToken(token), expiration: { gt: now } }, select: { workerType: true } });
      return row?.workerType ?? null;
    },

    async remove(token: string): Promise<void> {
      await db.secret.deleteMany({ where: { tokenHash: hashToken(token) } });
    },

    /** Deletes every expired secret; returns how many. Safe to run from several replicas. */
    async sweepExpired(now: Date): Promise<number> {
      return (await db.secret.deleteMany({ where: { expiration: { lte: now } } })).count;
    },
  };
}

export type SecretRepository = ReturnType<typeof createSecretRepository>;
