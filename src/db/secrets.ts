// One-time secrets. The token is the capability: rows are keyed by its SHA-256 and the
// payload is encrypted with the row key as associated data, so neither a database dump
// nor a log line reveals a usable token or the data behind it.
import type { PrismaClient } from '../generated/prisma/client';
import { jsonEqual } from '../domain/definition-compare';
import { admissionOutcome, type Admission, type AdmissionRefusal } from './admission';
import { sqlPool } from './client';
import { LIVE_STATES } from './ledger';
import { SecretBox, hashToken } from './secret-box';
import { CREATE, CREATE_ADMITTED, createAdmittedValues, createValues, type SecretRow } from './secret-sql';

export interface SecretPayload {
  workerType: string;
  secrets: Record<string, unknown>;
  scopes: string[];
}

/** What instanceStarted found: the check-in registered its instance, or the secret is not tied to a launch, or nothing. */
export type CheckIn = 'registered' | 'untied' | 'not-found';

/** What createSecret came to: refused at admission (nothing stored), or the row's fate. */
export type CreateOutcome = AdmissionRefusal | 'created' | 'unchanged' | 'conflict';

export function createSecretRepository(db: PrismaClient, box: SecretBox) {
  // createSecret's statements are plain statements on the pool, not through Prisma's runtime.
  const pool = sqlPool(db);
  const seal = (hash: string, p: SecretPayload) =>
    box.encrypt(JSON.stringify({ secrets: p.secrets, scopes: p.scopes }), `secret:${hash}:${p.workerType}`);
  const open = (row: SecretRow): SecretPayload => ({
    workerType: row.workerType,
    ...(JSON.parse(box.decrypt(row.ciphertext, `secret:${row.tokenHash}:${row.workerType}`)) as Omit<SecretPayload, 'workerType'>),
  });

  /** After admission, when the token was taken: the same payload is 'unchanged', another a 'conflict'. */
  const compare = async (row: SecretRow, payload: SecretPayload): Promise<CreateOutcome> => {
    for (;;) {
      const stored = await db.secret.findUnique({ where: { tokenHash: row.tokenHash } });
      if (stored) {
        const existing = open(stored);
        const same = existing.workerType === payload.workerType && jsonEqual(existing.secrets, payload.secrets)
          && jsonEqual(existing.scopes, payload.scopes);
        return same ? 'unchanged' : 'conflict';
      }
      // Taken or swept meanwhile: insert again, without a second admission.
      if ((await pool.query({ ...CREATE, values: createValues(row) })).rowCount) return 'created';
    }
  };

  return {
    /**
     * Admits the request (`admission`, see ./admission.ts) and inserts the secret in one
     * statement; refused requests store nothing. Idempotent: the same payload again succeeds;
     * a different one is a conflict (one more read, after the admission was recorded).
     */
    async create(token: string, payload: SecretPayload, expiration: Date, admission: Admission): Promise<CreateOutcome> {
      const tokenHash = hashToken(token);
      const row: SecretRow = { tokenHash, workerType: payload.workerType, ciphertext: seal(tokenHash, payload), expiration };
      const { rows } = await pool.query<{ fresh: boolean; admitted: boolean; inserted: boolean }>(
        { ...CREATE_ADMITTED, values: createAdmittedValues(admission, row) },
      );
      const outcome = admissionOutcome(rows[0]);
      if (outcome !== 'admitted') return outcome;
      return rows[0]!.inserted ? 'created' : compare(row, payload);
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
