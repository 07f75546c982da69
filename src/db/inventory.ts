// The region inventory's writes to the instance ledger. Each pass costs a fixed number of
// statements, whatever the number of instances: one for the sightings, one for the rows
// written off, plus one per adopted instance (rare: only instances we have no row for).
import type { Instance, PrismaClient } from '../generated/prisma/client';
import type { LedgerState } from '../domain/capacity-states';
import type { Adoption, RowSighting } from '../domain/inventory-pass';
import type { LedgerRow, VanishedRow } from '../domain/reaping';

function toLedgerRow(r: Instance): LedgerRow {
  return {
    clientToken: r.clientToken, instanceId: r.instanceId, workerType: r.workerType,
    // The column only ever holds the ledger's states (see ledgerState).
    state: r.state as LedgerState,
    registered: r.registered !== null, generation: r.generation,
    launchedAt: r.launched.getTime(), lastSeenAt: r.lastSeen?.getTime() ?? null, terminationReason: r.terminationReason,
  };
}

export function createInventoryRepository(db: PrismaClient) {
  return {
    /** The region's rows that are not terminated. */
    async liveRows(region: string): Promise<LedgerRow[]> {
      return (await db.instance.findMany({ where: { region, state: { not: 'terminated' } } })).map(toLedgerRow);
    },

    /**
     * Records a pass's sightings in one statement: each row takes the sighting's instance id,
     * zone and state, and `lastSeen` becomes `at` (it tells a row some pass has seen from one
     * EC2 may not show yet, and keeps terminated instances in `state` for an hour).
     */
    async recordSightings(sightings: readonly RowSighting[], at: Date): Promise<void> {
      if (sightings.length === 0) return;
      await db.$executeRaw`
        UPDATE "Instance" AS i
        SET "instanceId" = s."instanceId", zone = s.zone, state = s.state, "lastSeen" = ${at.toISOString()}::timestamptz
        FROM unnest(${sightings.map((s) => s.clientToken)}::text[], ${sightings.map((s) => s.instanceId)}::text[],
                    ${sightings.map((s) => s.zone)}::text[], ${sightings.map((s) => s.state)}::text[])
          AS s("clientToken", "instanceId", zone, state)
        WHERE i."clientToken" = s."clientToken"`;
    },

    /** Idempotent (an upsert by ClientToken): an instance found again keeps its row. */
    async adopt(a: Adoption, at: Date): Promise<void> {
      const { launchedAt, ...columns } = a;
      await db.instance.upsert({
        where: { clientToken: a.clientToken },
        create: { ...columns, price: 0, launched: new Date(launchedAt), lastSeen: at },
        update: { instanceId: a.instanceId, state: a.state, lastSeen: at },
      });
    },

    /** Marks the rows terminated with their reasons, in one statement. */
    async markVanished(rows: readonly VanishedRow[]): Promise<void> {
      if (rows.length === 0) return;
      await db.$executeRaw`
        UPDATE "Instance" AS i SET state = 'terminated', "terminationReason" = v.reason
        FROM unnest(${rows.map((r) => r.clientToken)}::text[], ${rows.map((r) => r.reason)}::text[]) AS v("clientToken", reason)
        WHERE i."clientToken" = v."clientToken"`;
    },
  };
}

export type InventoryRepository = ReturnType<typeof createInventoryRepository>;
