// The SQL of the reference server: what the API sends for the same three routes, written
// plainly (one statement each). Kept apart so the reference reads as "this SQL, nothing else".

export const WORKER_TYPE_SQL = `SELECT name, description, owner, "minCapacity", "maxCapacity", "scalingRatio", "minPrice",
  "maxPrice", "canUseOndemand", "canUseSpot", "launchSpec", "userData", secrets, scopes, "instanceTypes", regions,
  "availabilityZones", revision, generation, "lastModified", "createdAt"
  FROM "WorkerType" WHERE name = $1 LIMIT 1`;

export const LIST_SQL = 'SELECT name FROM "WorkerType" ORDER BY name ASC LIMIT $1';

export const INSERT_SECRET_SQL = `INSERT INTO "Secret" ("tokenHash", "workerType", ciphertext, expiration)
  VALUES ($1, $2, $3, $4)`;

/** The answer's shape: the row's columns under the API's names, bookkeeping columns left out. */
export function workerTypeBody(row: Record<string, unknown>): Record<string, unknown> {
  const { name, lastModified, revision: _r, generation: _g, createdAt: _c, ...definition } = row;
  return { workerType: name, lastModified: (lastModified as Date).toISOString(), ...definition };
}
