// On-demand list prices per region and instance type, written by each region's daily refresh
// (activities/prices.ts) and read by every iteration (./observation-reads.ts).
import type { PrismaClient } from '../generated/prisma/client';

export function createOnDemandPriceRepository(db: PrismaClient) {
  return {
    /** Stores a refresh's prices in one transaction (upserts by region and type), all fetched at `at`. */
    async record(region: string, prices: ReadonlyArray<{ instanceType: string; usdPerHour: number }>, at: Date): Promise<void> {
      await db.$transaction(prices.map((p) => db.onDemandPrice.upsert({
        where: { region_instanceType: { region, instanceType: p.instanceType } },
        create: { region, instanceType: p.instanceType, usdPerHour: p.usdPerHour, fetchedAt: at },
        update: { usdPerHour: p.usdPerHour, fetchedAt: at },
      })));
    },

    /** The instance types of `region` that have a stored price, however old. */
    async pricedTypes(region: string): Promise<string[]> {
      const rows = await db.onDemandPrice.findMany({ where: { region }, select: { instanceType: true } });
      return rows.map((r) => r.instanceType);
    },

    /** Every stored price with its fetch time, for operators (region, then type). */
    async all(): Promise<Array<{ region: string; instanceType: string; usdPerHour: number; fetchedAt: Date }>> {
      return db.onDemandPrice.findMany({ orderBy: [{ region: 'asc' }, { instanceType: 'asc' }] });
    },
  };
}

export type OnDemandPriceRepository = ReturnType<typeof createOnDemandPriceRepository>;
