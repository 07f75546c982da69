// The API's hottest reads, one plain SQL statement each on the pool under Prisma's adapter
// (./client.ts sqlPool): getting a worker type and listing the names. They answer exactly
// what the Prisma queries they replace answered (test/db/hot-reads.test.ts compares them);
// the rest of the repository stays on Prisma.
import type pg from 'pg';
import type { WorkerType as WorkerTypeRow } from '../generated/prisma/client';

/** The columns a worker type's answer is made of (fromRow in ./worker-types.ts). */
export type DefinitionRow = Omit<WorkerTypeRow, 'revision' | 'generation' | 'createdAt'>;

// Prepared once per connection (named statements): parsed and planned by PostgreSQL once.
const WORKER_TYPE: pg.QueryConfig<[string]> = {
  name: 'hot-worker-type',
  text: `SELECT name, description, owner, "minCapacity", "maxCapacity", "scalingRatio", "minPrice", "maxPrice",
    "canUseOndemand", "canUseSpot", "launchSpec", "userData", secrets, scopes, "instanceTypes", regions,
    "availabilityZones", "lastModified"
    FROM "WorkerType" WHERE name = $1`,
};

const NAMES = 'SELECT name FROM "WorkerType" ORDER BY name ASC';

export function createHotReads(pool: pg.Pool) {
  return {
    async workerType(name: string): Promise<DefinitionRow | null> {
      const { rows } = await pool.query<DefinitionRow, [string]>({ ...WORKER_TYPE, values: [name] });
      return rows[0] ?? null;
    },

    /** The first `limit` names (all when undefined), in name order. */
    async names(limit?: number): Promise<string[]> {
      const { rows } = limit === undefined
        ? await pool.query<{ name: string }>({ name: 'hot-names', text: NAMES })
        : await pool.query<{ name: string }, [number]>({ name: 'hot-names-limit', text: `${NAMES} LIMIT $1`, values: [limit] });
      return rows.map((r) => r.name);
    },
  };
}
