// Reads of the instance ledger used by the API.
import type { PrismaClient } from '../generated/prisma/client';

export interface CapacityCounts { running: number; pending: number; requested: number }

export function createInstanceRepository(db: PrismaClient) {
  return {
    /** Capacity units per worker type and state; terminated and stopping instances do not count. */
    async capacities(): Promise<Record<string, CapacityCounts>> {
      const groups = await db.instance.groupBy({
        by: ['workerType', 'state'],
        where: { state: { in: ['requested', 'pending', 'running'] } },
        _sum: { capacity: true },
      });
      const result: Record<string, CapacityCounts> = {};
      for (const g of groups) {
        const counts = (result[g.workerType] ??= { running: 0, pending: 0, requested: 0 });
        counts[g.state as keyof CapacityCounts] += g._sum.capacity ?? 0;
      }
      return result;
    },
  };
}

export type InstanceRepository = ReturnType<typeof createInstanceRepository>;
