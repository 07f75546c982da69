// Which spot prices a region's refresh asks EC2 for and which it keeps. Pure: the price
// activity fetches and stores.
import type { SpotQuote } from './offerings';

/** The window whose maximum price is used, as in the original (a maximum, not an average). */
export const PRICE_WINDOW_MS = 30 * 60_000;

/** A price EC2 reported in the window. */
export type PricePoint = Omit<SpotQuote, 'region'>;

/** The instance types some definition uses in `region`, sorted, each once. */
export function instanceTypesUsedIn(
  definitions: ReadonlyArray<{ regions: ReadonlyArray<{ region: string }>; instanceTypes: ReadonlyArray<{ instanceType: string }> }>,
  region: string,
): string[] {
  const types = definitions
    .filter((d) => d.regions.some((e) => e.region === region))
    .flatMap((d) => d.instanceTypes.map((t) => t.instanceType));
  return [...new Set(types)].sort();
}

/** The highest price per zone and instance type in the window, for the region's current zones only. */
export function highestPrices(points: readonly PricePoint[], zones: readonly string[]): PricePoint[] {
  const highest = new Map<string, PricePoint>();
  for (const p of points.filter((o) => zones.includes(o.zone))) {
    const key = `${p.zone}/${p.instanceType}`;
    if ((highest.get(key)?.price ?? -1) < p.price) highest.set(key, { zone: p.zone, instanceType: p.instanceType, price: p.price });
  }
  return [...highest.values()];
}
