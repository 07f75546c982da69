// On-demand list prices per region and instance type, written by each region's daily refresh
// (activities/prices.ts) and read by every iteration.
import type { PrismaClient } from '../generated/prisma/client';
import type { OnDemandQuote } from '../domain/offerings';

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

    /** Prices of these instance types in these regions fetched at `since` or later. */
    async recent(regions: readonly string[], instanceTypes: readonly string[], since: Date): Promise<OnDemandQuote[]> {
      const rows = await db.onDemandPrice.findMany({
        where: { region: { in: [...regions] }, instanceType: { in: [...instanceTypes] }, fetchedAt: { gte: since } },
        orderBy: [{ region: 'asc' }, { instanceType: 'asc' }],
      });
      return rows.map((p) => ({ region: p.region, instanceType: p.instanceType, price: p.usdPerHour }));
    },

    /** Every stored price with its fetch time, for operators (region, then type). */
    async all(): Promise<Array<{ region: string; instanceType: string; usdPerHour: number; fetchedAt: Date }>> {
      return db.onDemandPrice.findMany({ orderBy: [{ region: 'asc' }, { instanceType: 'asc' }] });
    },
  };
}

export type OnDemandPriceRepository = ReturnType<typeof createOnDemandPriceRepository>;
