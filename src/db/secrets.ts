// One-time secrets. The token is the capability: rows are keyed by its SHA-256 and the
// payload is encrypted with the row key as associated data, so neither a database dump
// nor a log line reveals a usable token or the data behind it.
import type { PrismaClient } from '../generated/prisma/client';
import { jsonEqual } from '../domain/definition-compare';
import { sqlPool } from './client';
import { LIVE_STATES } from './ledger';
import { SecretBox, hashToken } from './secret-box';

export interface SecretPayload {
  workerType: string;
  secrets: Record<string, unknown>;
  scopes: string[];
}

interface SecretRow { tokenHash: string; workerType: string; ciphertext: string; expiration: Date }

/** What instanceStarted found: the check-in registered its instance, or the secret is not tied to a launch, or nothing. */
export type CheckIn = 'registered' | 'untied' | 'not-found';

/** PostgreSQL's unique_violation, as `pg` reports it. */
const isPgUniqueViolation = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === '23505';

const INSERT = 'INSERT INTO "Secret" ("tokenHash", "workerType", ciphertext, expiration) VALUES ($1, $2, $3, $4)';

export function createSecretRepository(db: PrismaClient, box: SecretBox) {
  // createSecret's insert is a plain statement on the pool, not through Prisma's runtime.
  const pool = sqlPool(db);
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
        await pool.query({ name: 'secret-create', text: INSERT, values: [tokenHash, payload.workerType, seal(tokenHash, payload), expiration] });
        return 'created';
      } catch (err) {
        if (!isPgUniqueViolation(err)) throw err;
      }
      const row = await db.secret.findUnique({ where: { tokenHash } });
      if (!row) return this.create(token, payload, expiration);
      const existing = open(row);
      const same = existing.workerType === payload.workerType && jsonEqual(existing.secrets, payload.secrets)
        && jsonEqual(existing.scopes, payload.scopes);
      return same ? 'unchanged' : 'conflict';
    },

    /**
     * The secret of one launch, tied to its ledger row. Idempotent for a retried launch (the
     * same token and client token): the first row is kept.
     */
    async createForLaunch(token: string, payload: SecretPayload, expiration: Date, launchClientToken: string): Promise<void> {
      const tokenHash = hashToken(token);
      await db.secret.upsert({
        where: { tokenHash },
        create: { tokenHash, workerType: payload.workerType, ciphertext: seal(tokenHash, payload), expiration, launchClientToken },
        update: {},
      });
    },

    /**
     * Claims the secret: reads and deletes it and registers the instance of its launch, in
     * one statement, so of concurrent readers exactly one gets the payload and the instance
     * is registered exactly when its secret was handed out. Expired secrets are not returned
     * (the sweep deletes them). A removeSecret without a successful claim registers nothing.
     */
    async take(token: string, now: Date): Promise<SecretPayload | null> {
      const rows = await db.$queryRaw<SecretRow[]>`
        WITH taken AS (
          DELETE FROM "Secret" WHERE "tokenHash" = ${hashToken(token)} AND "expiration" > ${now}
          RETURNING "tokenHash", "workerType", "ciphertext", "expiration", "launchClientToken"
        ), registered AS (
          UPDATE "Instance" SET registered = ${now}, "registeredBy" = 'getSecret'
          FROM taken
          WHERE "Instance"."clientToken" = taken."launchClientToken" AND "Instance".registered IS NULL
            AND "Instance".state = ANY(${LIVE_STATES})
          RETURNING "Instance"."clientToken"
        )
        SELECT "tokenHash", "workerType", "ciphertext", "expiration" FROM taken`;
      return rows[0] ? open(rows[0]) : null;
    },

    /**
     * instanceStarted: while the secret exists, registers the instance of its launch, which
     * must be `instanceId` ('not-found' otherwise: a token cannot register another instance).
     * A secret made with createSecret is tied to no launch: accepted, nothing registered.
     */
    async checkIn(token: string, instanceId: string, now: Date): Promise<CheckIn> {
      const secret = await db.secret.findFirst({
        where: { tokenHash: hashToken(token), expiration: { gt: now } }, select: { launchClientToken: true },
      });
      if (!secret) return 'not-found';
      if (secret.launchClientToken === null) return 'untied';
      const launch = await db.instance.findUnique({ where: { clientToken: secret.launchClientToken }, select: { instanceId: true } });
      if (launch?.instanceId !== instanceId) return 'not-found';
      await db.instance.updateMany({
        where: { clientToken: secret.launchClientToken, registered: null, state: { in: LIVE_STATES } },
        data: { registered: now, registeredBy: 'instanceStarted' },
      });
      return 'registered';
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
