// Reads of the instance ledger used by the API.
import type { PrismaClient } from '../generated/prisma/client';
import { capacityByWorkerType } from './ledger';

export interface CapacityCounts { running: number; pending: number; requested: number }

export function createInstanceRepository(db: PrismaClient) {
  return {
    /** Capacity units per worker type (see capacityByWorkerType); terminated and stopping instances do not count. */
    capacities: (): Promise<Record<string, CapacityCounts>> => capacityByWorkerType(db),
  };
}
