// Spot prices and zones of one region, refreshed every few minutes by its inventory loop.
// Only the instance types some worker type uses in that region are asked for.
import type { Prisma } from '../src/generated/prisma/client';
import type { InstanceTypeEntry, RegionEntry } from '../src/domain/worker-type';
import type { ActivityDeps } from './deps';

/** The window whose maximum price is used, as in the original (a maximum, not an average). */
const PRICE_WINDOW_MS = 30 * 60_000;

export function priceActivities(deps: ActivityDeps) {
  async function typesUsedIn(region: string): Promise<string[]> {
    const rows = await deps.db.workerType.findMany({ select: { regions: true, instanceTypes: true } });
    const types = rows
      .filter((r) => (r.regions as unknown as RegionEntry[]).some((e) => e.region === region))
      .flatMap((r) => (r.instanceTypes as unknown as InstanceTypeEntry[]).map((t) => t.instanceType));
    return [...new Set(types)].sort();
  }

  return {
    async refreshSpotPrices(region: string): Promise<{ zones: number; prices: number }> {
      const now = deps.now();
      const zones = await deps.ec2.availabilityZones(region);
      const types = await typesUsedIn(region);
      const observations = types.length === 0 ? [] : await deps.ec2.spotPriceHistory(region, new Date(now.getTime() - PRICE_WINDOW_MS), types);
      const highest = new Map<string, { zone: string; instanceType: string; price: number }>();
      for (const o of observations.filter((o) => zones.includes(o.zone))) {
        const key = `${o.zone}/${o.instanceType}`;
        if ((highest.get(key)?.price ?? -1) < o.price) highest.set(key, { zone: o.zone, instanceType: o.instanceType, price: o.price });
      }
      const writes: Prisma.PrismaPromise<unknown>[] = [...highest.values()].map((p) => deps.db.spotPrice.upsert({
        where: { region_zone_instanceType: { region, zone: p.zone, instanceType: p.instanceType } },
        create: { region, ...p, fetchedAt: now },
        update: { price: p.price, fetchedAt: now },
      }));
      writes.push(deps.db.regionStatus.upsert({
        where: { region }, create: { region, zones, pricesRefreshedAt: now }, update: { zones, pricesRefreshedAt: now },
      }));
      await deps.db.$transaction(writes);
      return { zones: zones.length, prices: highest.size };
    },
  };
}
