// What an iteration's observation reads besides the definition, in one plain SQL statement
// on the pool under Prisma's adapter (./client.ts sqlPool): the worker type's capacity by
// state, its unregistered instances, the zones of its regions and the recent spot and
// on-demand prices of its types there. Every loop reads this every interval, so it is one
// round trip without Prisma's query runtime. test/db/observation-reads.test.ts compares each
// part with the Prisma query it replaced.
import type pg from 'pg';
import { addCapacity, NO_CAPACITY, type LedgerCapacity, type LedgerState } from '../domain/capacity-states';
import type { UnregisteredInstance } from '../domain/iteration-plan';
import type { OnDemandQuote, SpotQuote } from '../domain/offerings';
import { LIVE_STATES } from './ledger';

export interface ObservationReadsQuery {
  workerType: string;
  regions: readonly string[];
  instanceTypes: readonly string[];
  /** Spot prices fetched before this are ignored. */
  spotSince: Date;
  /** On-demand prices fetched before this are ignored. */
  onDemandSince: Date;
}

export interface ObservationReads {
  capacity: LedgerCapacity;
  unregistered: UnregisteredInstance[];
  zones: Record<string, string[]>;
  spotQuotes: SpotQuote[];
  onDemandQuotes: OnDemandQuote[];
}

interface CapacityGroup { state: LedgerState; registered: boolean; capacity: number }

interface Row {
  capacity: CapacityGroup[];
  unregistered: UnregisteredInstance[];
  zones: Record<string, string[]>;
  spot: SpotQuote[];
  on_demand: OnDemandQuote[];
}

// Each part is aggregated to JSON by PostgreSQL (float8 prints its shortest exact form, so
// prices come back as stored). Orders are fixed so that equal inputs give equal observations.
const STATEMENT = `SELECT
  (SELECT COALESCE(json_agg(json_build_object('state', state, 'registered', registered, 'capacity', capacity)), '[]')
    FROM (SELECT state, (registered IS NOT NULL) AS registered, SUM(capacity)::int AS capacity FROM "Instance"
      WHERE "workerType" = $1 AND state = ANY($2::text[]) GROUP BY state, (registered IS NOT NULL)) g) AS capacity,
  (SELECT COALESCE(json_agg(json_build_object('instanceId', "instanceId", 'region', region, 'capacity', capacity,
      'price', price, 'launchedAt', (EXTRACT(EPOCH FROM launched) * 1000)::bigint) ORDER BY "instanceId"), '[]')
    FROM "Instance" WHERE "workerType" = $1 AND state IN ('pending', 'running') AND registered IS NULL
      AND "instanceId" IS NOT NULL) AS unregistered,
  (SELECT COALESCE(json_object_agg(region, zones ORDER BY region), '{}') FROM "RegionStatus" WHERE region = ANY($3::text[])) AS zones,
  (SELECT COALESCE(json_agg(json_build_object('region', region, 'zone', zone, 'instanceType', "instanceType", 'price', price)
      ORDER BY region, zone, "instanceType"), '[]')
    FROM "SpotPrice" WHERE region = ANY($3::text[]) AND "instanceType" = ANY($4::text[]) AND "fetchedAt" >= $5) AS spot,
  (SELECT COALESCE(json_agg(json_build_object('region', region, 'instanceType', "instanceType", 'price', "usdPerHour")
      ORDER BY region, "instanceType"), '[]')
    FROM "OnDemandPrice" WHERE region = ANY($3::text[]) AND "instanceType" = ANY($4::text[]) AND "fetchedAt" >= $6) AS on_demand`;

export function createObservationReads(pool: pg.Pool) {
  return {
    async read(q: ObservationReadsQuery): Promise<ObservationReads> {
      const { rows } = await pool.query<Row>({
        name: 'observation-reads', text: STATEMENT,
        values: [q.workerType, LIVE_STATES, [...q.regions], [...q.instanceTypes], q.spotSince, q.onDemandSince],
      });
      const row = rows[0]!;
      return {
        capacity: row.capacity.reduce((total, g) => addCapacity(total, g, g.capacity), NO_CAPACITY),
        unregistered: row.unregistered,
        zones: row.zones,
        spotQuotes: row.spot,
        onDemandQuotes: row.on_demand,
      };
    },
  };
}

export type ObservationReadsRepository = ReturnType<typeof createObservationReads>;
