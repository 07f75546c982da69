// Spot prices and zones of one region, refreshed every few minutes by its inventory loop.
// Only the instance types some worker type uses in that region are asked for.
import { highestPrices, instanceTypesUsedIn, PRICE_WINDOW_MS } from '../src/domain/spot-quotes';
import type { ActivityDeps } from './deps';

export function priceActivities(deps: ActivityDeps) {
  const { workerTypes, spotPrices } = deps.repos;
  return {
    async refreshSpotPrices(region: string): Promise<{ zones: number; prices: number }> {
      const now = deps.now();
      const zones = await deps.ec2.availabilityZones(region);
      const types = instanceTypesUsedIn(await workerTypes.summaries(), region);
      const points = types.length === 0 ? [] : await deps.ec2.spotPriceHistory(region, new Date(now.getTime() - PRICE_WINDOW_MS), types);
      const highest = highestPrices(points, zones);
      await spotPrices.recordRefresh(region, zones, highest, now);
      return { zones: zones.length, prices: highest.length };
    },
  };
}
