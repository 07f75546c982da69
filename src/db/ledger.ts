// The instance ledger: what we asked EC2 for and what it became. A launch is reserved here
// (state `requested`, keyed by its ClientToken) before RunInstances is called, so capacity
// in flight is always counted, and a retried launch finds its own reservation.
import type { Instance, PrismaClient } from '../generated/prisma/client';
import { addCapacity, ledgerState, NO_CAPACITY, type LedgerCapacity, type LedgerState } from '../domain/capacity-states';

export type { LedgerState };
/** States that hold (or may soon hold) capacity. */
export const LIVE_STATES: LedgerState[] = ['requested', 'pending', 'running'];

export interface LaunchReservation {
  clientToken: string; workerType: string; region: string; zone: string; instanceType: string;
  capacity: number; market: string; price: number;
  /** The generation of the definition the launch is made for. */
  generation: string;
}


interface CapacityGroup { workerType: string; state: LedgerState; registered: boolean; capacity: number }

/**
 * Capacity units per worker type, classified by `capacityStateOf` (src/domain/capacity-states):
 * one grouped statement, whatever the number of instances.
 */
async function capacityByWorkerType(db: PrismaClient, workerType?: string): Promise<Record<string, LedgerCapacity>> {
  const groups = await db.$queryRaw<CapacityGroup[]>`
    SELECT "workerType", state, (registered IS NOT NULL) AS registered, SUM(capacity)::int AS capacity
    FROM "Instance"
    WHERE state = ANY(${LIVE_STATES}) AND (${workerType ?? null}::text IS NULL OR "workerType" = ${workerType ?? null})
    GROUP BY "workerType", state, (registered IS NOT NULL)`;
  const totals: Record<string, LedgerCapacity> = {};
  for (const g of groups) totals[g.workerType] = addCapacity(totals[g.workerType] ?? NO_CAPACITY, g, g.capacity);
  return totals;
}

export function createLedger(db: PrismaClient) {
  return {
    /** Creates the reservation, or returns the existing one for this ClientToken. */
    async reserve(r: LaunchReservation, now: Date): Promise<Instance> {
      return db.instance.upsert({
        where: { clientToken: r.clientToken },
        create: { ...r, state: 'requested', launched: now },
        update: {},
      });
    },

    /** `lastSeen` stays unset: it records inventory sightings, which decide when a missing instance is gone. */
    async recordLaunched(clientToken: string, i: { instanceId: string; zone: string; state: string; imageId?: string }) {
      await db.instance.updateMany({
        where: { clientToken, state: { in: ['requested', 'terminated'] } },
        data: { instanceId: i.instanceId, zone: i.zone, state: ledgerState(i.state), imageId: i.imageId, terminationReason: null },
      });
    },

    async recordLaunchFailed(clientToken: string, reason: string) {
      await db.instance.updateMany({ where: { clientToken, instanceId: null }, data: { state: 'terminated', terminationReason: reason } });
    },

    async capacity(workerType: string): Promise<LedgerCapacity> {
      return (await capacityByWorkerType(db, workerType))[workerType] ?? NO_CAPACITY;
    },

    /** Capacity of every worker type with live instances; terminated and stopping instances do not count. */
    capacities: (): Promise<Record<string, LedgerCapacity>> => capacityByWorkerType(db),

    /** Live instances of a worker type that EC2 can be asked to terminate. */
    async liveInstances(workerType: string): Promise<Array<{ instanceId: string; region: string }>> {
      const rows = await db.instance.findMany({
        where: { workerType, state: { in: ['pending', 'running', 'stopping'] }, instanceId: { not: null } },
        select: { instanceId: true, region: true },
      });
      return rows.map((r) => ({ instanceId: r.instanceId!, region: r.region }));
    },

    async markTerminating(instanceIds: string[], reason: string) {
      if (instanceIds.length === 0) return;
      await db.instance.updateMany({
        where: { instanceId: { in: instanceIds }, state: { not: 'terminated' } },
        data: { state: 'stopping', terminationReason: reason },
      });
    },

    /**
     * Marks for termination only those of `instanceIds` that still have not registered, in one
     * statement, and returns them: an instance whose worker claimed its secret after it was
     * chosen is spared. Retries see rows they marked themselves (still unregistered).
     */
    async markUnregisteredTerminating(instanceIds: string[], reason: string): Promise<string[]> {
      if (instanceIds.length === 0) return [];
      const rows = await db.$queryRaw<{ instanceId: string }[]>`
        UPDATE "Instance" SET state = 'stopping', "terminationReason" = ${reason}
        WHERE "instanceId" = ANY(${instanceIds}) AND registered IS NULL AND state <> 'terminated'
        RETURNING "instanceId"`;
      return rows.map((r) => r.instanceId);
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
