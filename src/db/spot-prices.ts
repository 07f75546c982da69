// The latest spot price per offering, written by each region's price refresh and read by
// every iteration (./observation-reads.ts).
import type { PrismaClient } from '../generated/prisma/client';
import type { SpotQuote } from '../domain/offerings';

export function createSpotPriceRepository(db: PrismaClient) {
  return {
    /**
     * Stores a region's refresh in one transaction: its prices (upserts by offering) and its
     * zones, with when they were fetched. The refresh replaces the region's prices: EC2's
     * price history over a window always includes the price in effect at its start, so an
     * offering the answer leaves out is not offered now, and its older price is deleted
     * rather than kept as a bargain that cannot launch.
     */
    async recordRefresh(region: string, zones: string[], quotes: readonly Omit<SpotQuote, 'region'>[], at: Date): Promise<void> {
      await db.$transaction([
        ...quotes.map((q) => db.spotPrice.upsert({
          where: { region_zone_instanceType: { region, zone: q.zone, instanceType: q.instanceType } },
          create: { region, zone: q.zone, instanceType: q.instanceType, price: q.price, fetchedAt: at },
          update: { price: q.price, fetchedAt: at },
        })),
        db.spotPrice.deleteMany({ where: { region, fetchedAt: { lt: at } } }),
        db.regionStatus.upsert({ where: { region }, create: { region, zones, pricesRefreshedAt: at }, update: { zones, pricesRefreshedAt: at } }),
      ]);
    },
  };
}

export type SpotPriceRepository = ReturnType<typeof createSpotPriceRepository>;
