// Admission of a signed request in one statement: its Hawk nonce is recorded (table
// `HawkNonce`) and, for a write, one request is counted against its rate key (table
// `RateLimit`), so a signed write costs one round trip before its own work. Routes whose
// work is one statement too fold these CTEs into it (./secret-sql.ts), and then a signed
// request is one statement in all. Both tables are shared by every API replica.
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import { sqlPool } from './client';

/** What admitting one request records; each part is optional (absent parts record nothing). */
export interface Admission {
  /**
   * The Hawk replay key (client id, timestamp and nonce), stored as its SHA-256 digest (fixed
   * width, no client id in the table), and the time until which it must be kept. Absent when
   * someone else guards against replays (the Auth service).
   */
  nonce?: { key: string; keepUntil: Date };
  /** The rate key of a write, the start of its fixed window and the most requests the window allows. Absent for reads. */
  rate?: { key: string; windowStart: Date; limit: number };
}

/**
 * `replayed`: the nonce was recorded before, by any replica; nothing was counted. `rate-limited`:
 * the count including this request exceeds the limit (the request is counted all the same: a
 * client that keeps hammering stays limited until the window turns).
 */
export type AdmissionRefusal = 'replayed' | 'rate-limited';
export type AdmissionOutcome = 'admitted' | AdmissionRefusal;

/**
 * CTEs `nonce`, `fresh`, `hit` and `admission` over parameters $1 to $5 (admissionValues);
 * `admission` is one row: `fresh` (the nonce is new, or there is none) and `admitted`.
 * INSERT ... ON CONFLICT DO NOTHING decides the nonce, so of concurrent requests with the
 * same key on any replicas exactly one is fresh; a replay counts nothing. The upsert-increment
 * gives concurrent requests distinct counts. Everything is one statement: if any part fails
 * (a folded insert included), nothing is recorded.
 */
export const ADMISSION_CTES = `nonce AS (
    INSERT INTO "HawkNonce" ("keyHash", "expiresAt")
    SELECT $1::text, $2::timestamptz WHERE $1::text IS NOT NULL
    ON CONFLICT ("keyHash") DO NOTHING
    RETURNING 1
  ), fresh AS (
    SELECT $1::text IS NULL OR EXISTS (SELECT FROM nonce) AS fresh
  ), hit AS (
    INSERT INTO "RateLimit" ("clientId", "windowStart", "count")
    SELECT $3::text, $4::timestamptz, 1 FROM fresh WHERE fresh.fresh AND $3::text IS NOT NULL
    ON CONFLICT ("clientId", "windowStart") DO UPDATE SET "count" = "RateLimit"."count" + 1
    RETURNING "count"
  ), admission AS (
    SELECT fresh.fresh, fresh.fresh AND COALESCE((SELECT "count" FROM hit) <= $5::int, TRUE) AS admitted FROM fresh
  )`;

const ADMIT = { name: 'admission', text: `WITH ${ADMISSION_CTES} SELECT fresh, admitted FROM admission` };

/** The values of $1 to $5 of ADMISSION_CTES. */
export function admissionValues(admission: Admission): unknown[] {
  const { nonce, rate } = admission;
  const keyHash = nonce ? createHash('sha256').update(nonce.key, 'utf8').digest('hex') : null;
  return [keyHash, nonce?.keepUntil ?? null, rate?.key ?? null, rate?.windowStart ?? null, rate?.limit ?? null];
}

/** Reads the `fresh` and `admitted` columns of the `admission` CTE. */
export function admissionOutcome(row: { fresh: boolean; admitted: boolean } | undefined): AdmissionOutcome {
  if (!row) throw new Error('admission returned no row');
  if (!row.fresh) return 'replayed';
  return row.admitted ? 'admitted' : 'rate-limited';
}

export interface AdmissionStore {
  /** Records what `admission` holds in one statement. Database errors propagate (the caller answers 5xx, never a refusal). */
  admit(admission: Admission): Promise<AdmissionOutcome>;
}

export function createAdmissionStore(db: PrismaClient): AdmissionStore {
  // Every signed request runs it: a plain statement on the pool, not through Prisma's runtime.
  const pool = sqlPool(db);
  return {
    async admit(admission) {
      const { rows } = await pool.query<{ fresh: boolean; admitted: boolean }>({ ...ADMIT, values: admissionValues(admission) });
      return admissionOutcome(rows[0]);
    },
  };
}
