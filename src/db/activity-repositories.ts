// The repositories the worker's activities use: activities read and write the database
// through these only, never through the Prisma client.
import { sqlPool } from './client';
import type { PrismaClient } from '../generated/prisma/client';
import { createHistoryRepository } from './history';
import { createInventoryRepository } from './inventory';
import { createLedger } from './ledger';
import { createObservationReads } from './observation-reads';
import { createOnDemandPriceRepository } from './on-demand-prices';
import { createRegionStatusRepository } from './region-status';
import type { SecretBox } from './secret-box';
import { createSecretRepository } from './secrets';
import { createSpotPriceRepository } from './spot-prices';
import { createWorkerTypeStatusRepository } from './worker-type-status';
import { createWorkerTypeRepository } from './worker-types';

export function createActivityRepositories(db: PrismaClient, box: SecretBox) {
  return {
    workerTypes: createWorkerTypeRepository(db),
    ledger: createLedger(db),
    observationReads: createObservationReads(sqlPool(db)),
    inventory: createInventoryRepository(db),
    secrets: createSecretRepository(db, box),
    regionStatus: createRegionStatusRepository(db),
    spotPrices: createSpotPriceRepository(db),
    onDemandPrices: createOnDemandPriceRepository(db),
    workerTypeStatus: createWorkerTypeStatusRepository(db),
    history: createHistoryRepository(db),
  };
}

export type ActivityRepositories = ReturnType<typeof createActivityRepositories>;
