// Reads of the instance ledger used by the API.
import type { PrismaClient } from '../generated/prisma/client';
import type { LedgerCapacity } from '../domain/capacity-states';
import { capacityByWorkerType } from './ledger';

export function createInstanceRepository(db: PrismaClient) {
  return {
    /** Capacity units per worker type (see capacityByWorkerType); terminated and stopping instances do not count. */
    capacities: (): Promise<Record<string, LedgerCapacity>> => capacityByWorkerType(db),
  };
}
