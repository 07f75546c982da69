// The statements of createSecret. A signed createSecret is one statement: its admission
// (./admission.ts) and the insert of the secret row, folded into one CTE, so the request
// costs one round trip. The benchmark's reference server runs this same statement.
import type pg from 'pg';
import { ADMISSION_CTES, admissionValues, type Admission } from './admission';

/** A secret's row as createSecret writes it: the token's digest, the worker type, the sealed payload and the expiration. */
export interface SecretRow { tokenHash: string; workerType: string; ciphertext: string; expiration: Date }

/**
 * Admits the request and, only when it is admitted, inserts the row unless one with the same
 * token digest exists. One row back: `fresh` and `admitted` as in ADMISSION_CTES, and
 * `inserted`, false when admission refused the request or the token was taken (the caller then
 * compares with the stored row; the admission stands). A failure anywhere records nothing.
 */
export const CREATE_ADMITTED: pg.QueryConfig = {
  name: 'secret-create-admitted',
  text: `WITH ${ADMISSION_CTES}, secret AS (
    INSERT INTO "Secret" ("tokenHash", "workerType", ciphertext, expiration)
    SELECT $6::text, $7::text, $8::text, $9::timestamptz FROM admission WHERE admission.admitted
    ON CONFLICT ("tokenHash") DO NOTHING
    RETURNING 1
  )
  SELECT admission.fresh, admission.admitted, EXISTS (SELECT FROM secret) AS inserted FROM admission`,
};

/** The insert alone, for a request already admitted; `rowCount` 0 when the token is taken. */
export const CREATE: pg.QueryConfig = {
  name: 'secret-create',
  text: `INSERT INTO "Secret" ("tokenHash", "workerType", ciphertext, expiration) VALUES ($1, $2, $3, $4)
    ON CONFLICT ("tokenHash") DO NOTHING`,
};

/** The values of CREATE. */
export function createValues(row: SecretRow): unknown[] {
  return [row.tokenHash, row.workerType, row.ciphertext, row.expiration];
}

/** The values of CREATE_ADMITTED. */
export function createAdmittedValues(admission: Admission, row: SecretRow): unknown[] {
  return [...admissionValues(admission), ...createValues(row)];
}
