// The instance ledger: what we asked EC2 for and what it became. A launch is reserved here
// (state `requested`, keyed by its ClientToken) before RunInstances is called, so capacity
// in flight is always counted, and a retried launch finds its own reservation.
import type { Instance, PrismaClient } from '../generated/prisma/client';
import type { LedgerCapacity, UnstartedInstance } from '../domain/iteration-plan';

export type InstanceState = 'requested' | 'pending' | 'running' | 'stopping' | 'terminated';
/** States that hold (or may soon hold) capacity. */
export const LIVE_STATES: InstanceState[] = ['requested', 'pending', 'running'];

export interface LaunchReservation {
  clientToken: string; workerType: string; region: string; zone: string; instanceType: string;
  capacity: number; market: string; price: number;
}

/** Maps an EC2 state name onto the ledger's states. */
export function ledgerState(ec2State: string): InstanceState {
  if (ec2State === 'pending') return 'pending';
  if (ec2State === 'running') return 'running';
  if (ec2State === 'terminated') return 'terminated';
  return 'stopping';
}

interface CapacityRow { workerType: string; running: number | null; pending: number | null; requested: number | null }

/**
 * Capacity units per worker type, as provisioning counts them: `running` are instances that
 * called instanceStarted (their worker is up and assumed busy); `pending` are instances EC2
 * is booting or has booted whose worker has not registered yet (they will absorb pending
 * tasks); `requested` are launches EC2 has not shown yet.
 */
export async function capacityByWorkerType(db: PrismaClient, workerType?: string): Promise<Record<string, LedgerCapacity>> {
  const rows = await db.$queryRaw<CapacityRow[]>`
    SELECT "workerType",
      SUM(CASE WHEN state = 'running' AND started IS NOT NULL THEN capacity ELSE 0 END)::int AS running,
      SUM(CASE WHEN state = 'pending' OR (state = 'running' AND started IS NULL) THEN capacity ELSE 0 END)::int AS pending,
      SUM(CASE WHEN state = 'requested' THEN capacity ELSE 0 END)::int AS requested
    FROM "Instance"
    WHERE state IN ('requested', 'pending', 'running') AND (${workerType ?? null}::text IS NULL OR "workerType" = ${workerType ?? null})
    GROUP BY "workerType"`;
  return Object.fromEntries(rows.map((r) => [r.workerType, { running: r.running ?? 0, pending: r.pending ?? 0, requested: r.requested ?? 0 }]));
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
      return (await capacityByWorkerType(db, workerType))[workerType] ?? { running: 0, pending: 0, requested: 0 };
    },

    /** Live instances that never called instanceStarted: the only candidates for scale-down. */
    async unstarted(workerType: string): Promise<UnstartedInstance[]> {
      const rows = await db.instance.findMany({
        where: { workerType, state: { in: ['pending', 'running'] }, started: null, instanceId: { not: null } },
      });
      return rows.map((r) => ({ instanceId: r.instanceId!, region: r.region, capacity: r.capacity, price: r.price, launchedAt: r.launched.getTime() }));
    },

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
     * Marks for termination only those of `instanceIds` that still have not called
     * instanceStarted, in one statement, and returns them: an instance that checked in after
     * it was chosen is spared. Retries see rows they marked themselves (still unstarted).
     */
    async markUnstartedTerminating(instanceIds: string[], reason: string): Promise<string[]> {
      if (instanceIds.length === 0) return [];
      const rows = await db.$queryRaw<{ instanceId: string }[]>`
        UPDATE "Instance" SET state = 'stopping', "terminationReason" = ${reason}
        WHERE "instanceId" = ANY(${instanceIds}) AND started IS NULL AND state <> 'terminated'
        RETURNING "instanceId"`;
      return rows.map((r) => r.instanceId);
    },

    /** Check-in of a booting instance (API instanceStarted); only for the secret's own worker type. */
    async markStarted(instanceId: string, workerType: string, now: Date) {
      await db.instance.updateMany({
        where: { instanceId, workerType, started: null, state: { in: ['requested', 'pending', 'running'] } }, data: { started: now },
      });
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
