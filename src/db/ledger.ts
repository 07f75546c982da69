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

    async recordLaunched(clientToken: string, i: { instanceId: string; zone: string; state: string; imageId?: string }, now: Date) {
      await db.instance.updateMany({
        where: { clientToken, state: { in: ['requested', 'terminated'] } },
        data: { instanceId: i.instanceId, zone: i.zone, state: ledgerState(i.state), imageId: i.imageId, lastSeen: now, terminationReason: null },
      });
    },

    async recordLaunchFailed(clientToken: string, reason: string) {
      await db.instance.updateMany({ where: { clientToken, instanceId: null }, data: { state: 'terminated', terminationReason: reason } });
    },

    async capacity(workerType: string): Promise<LedgerCapacity> {
      const groups = await db.instance.groupBy({
        by: ['state'], where: { workerType, state: { in: LIVE_STATES } }, _sum: { capacity: true },
      });
      const result: LedgerCapacity = { running: 0, pending: 0, requested: 0 };
      for (const g of groups) result[g.state as keyof LedgerCapacity] = g._sum.capacity ?? 0;
      return result;
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

    /** Check-in of a booting instance (API instanceStarted); only for the secret's own worker type. */
    async markStarted(instanceId: string, workerType: string, now: Date) {
      await db.instance.updateMany({ where: { instanceId, workerType, started: null }, data: { started: now } });
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
