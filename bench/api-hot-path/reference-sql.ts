// The SQL of the reference server: what the API sends for the same three routes, one
// statement each. Kept apart so the reference reads as "this SQL, nothing else". The reads are
// written plainly; createSecret's is the API's own statement (src/db/secret-sql.ts: the
// request's admission, its nonce and write count, folded into the insert), imported so the two
// cannot drift apart.
import { randomUUID } from 'node:crypto';
import type { Admission } from '../../src/db/admission';

export { CREATE_ADMITTED as CREATE_SECRET_SQL, createAdmittedValues as createSecretValues } from '../../src/db/secret-sql';

/** The write limit both servers run with: high enough that createSecret never measures 429s. */
export const WRITES_PER_MINUTE = 1_000_000;

export const WORKER_TYPE_SQL = `SELECT name, description, owner, "minCapacity", "maxCapacity", "scalingRatio", "minPrice",
  "maxPrice", "canUseOndemand", "canUseSpot", "launchSpec", "userData", secrets, scopes, "instanceTypes", regions,
  "availabilityZones", revision, generation, "lastModified", "createdAt"
  FROM "WorkerType" WHERE name = $1 LIMIT 1`;

export const LIST_SQL = 'SELECT name FROM "WorkerType" ORDER BY name ASC LIMIT $1';

/**
 * What the reference admits for each createSecret: a fresh nonce (the API's is the Hawk
 * header's, as unique), kept as long as the API keeps it (twice the 15-minute skew), and one
 * write of `root` in the current one-minute window.
 */
export function referenceAdmission(now = Date.now()): Admission {
  return {
    nonce: { key: randomUUID(), keepUntil: new Date(now + 30 * 60_000) },
    rate: { key: 'root', windowStart: new Date(now - (now % 60_000)), limit: WRITES_PER_MINUTE },
  };
}

/** The answer's shape: the row's columns under the API's names, bookkeeping columns left out. */
export function workerTypeBody(row: Record<string, unknown>): Record<string, unknown> {
  const { name, lastModified, revision: _r, generation: _g, createdAt: _c, ...definition } = row;
  return { workerType: name, lastModified: (lastModified as Date).toISOString(), ...definition };
}
