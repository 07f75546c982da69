// Prices of one region, refreshed by its inventory loop: spot prices and zones every few
// minutes (EC2), on-demand list prices daily (the AWS Price List Query API). Only the instance
// types some worker type uses in that region are asked for.
import { onDemandPriceFrom, typesToPrice } from '../src/domain/on-demand-quotes';
import { highestPrices, instanceTypesUsedIn, PRICE_WINDOW_MS } from '../src/domain/spot-quotes';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';

export interface OnDemandRefresh {
  region: string;
  /** Only types without any stored price (a definition changed); otherwise every type used (the daily refresh). */
  onlyMissing: boolean;
}

export function priceActivities(deps: ActivityDeps) {
  const { workerTypes, spotPrices, onDemandPrices } = deps.repos;
  return {
    async refreshSpotPrices(region: string): Promise<{ zones: number; prices: number }> {
      const now = deps.now();
      const zones = await deps.ec2.availabilityZones(region);
      const types = instanceTypesUsedIn(await workerTypes.summaries(), region);
      const points = types.length === 0 ? [] : await deps.ec2.spotPriceHistory(region, new Date(now.getTime() - PRICE_WINDOW_MS), types);
      const highest = highestPrices(points, zones);
      await spotPrices.recordRefresh(region, zones, highest, now);
      deps.metrics.spotPricesRefreshed(region, highest);
      return { zones: zones.length, prices: highest.length };
    },

    /**
     * Fetches the on-demand price of each type due (one query each, every page followed) and
     * stores those found, all at once and stamped with the fetch time. A type the Price List
     * has no price for is not stored (so never launched on-demand); an older stored price of
     * it stays until it ages out. Throws the classified failure of the first query that fails
     * (throttled, permission, ...): the activity's retry fetches again from the start.
     * Heartbeats throughout (one query per type may take a while).
     */
    async refreshOnDemandPrices(req: OnDemandRefresh): Promise<{ asked: number; prices: number; unpriced: string[] }> {
      return withHeartbeat(async () => {
        const used = instanceTypesUsedIn(await workerTypes.summaries(), req.region);
        const due = typesToPrice(used, req.onlyMissing ? await onDemandPrices.pricedTypes(req.region) : [], req.onlyMissing);
        const found: Array<{ instanceType: string; usdPerHour: number }> = [];
        const unpriced: string[] = [];
        for (const instanceType of due) {
          const usdPerHour = onDemandPriceFrom(await deps.pricing.onDemandProducts(req.region, instanceType), req.region, instanceType);
          if (usdPerHour === undefined) unpriced.push(instanceType);
          else found.push({ instanceType, usdPerHour });
        }
        await onDemandPrices.record(req.region, found, deps.now());
        return { asked: due.length, prices: found.length, unpriced };
      });
    },
  };
}
