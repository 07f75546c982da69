// On-demand prices from the AWS Price List's product documents, and which instance types a
// region's refresh asks for. Pure: the price activity fetches (src/aws/pricing.ts) and stores.
//
// A product document is one `PriceList` entry of GetProducts (FormatVersion aws_v1):
//   { product: { sku, attributes: { instanceType, regionCode, ... } },
//     terms: { OnDemand: { <sku>.<offerTermCode>: { priceDimensions: { <rateCode>:
//       { unit: 'Hrs', pricePerUnit: { USD: '0.1940000000' } } } } }, Reserved: { ... } } }

/** How long a stored on-demand price is used (list prices change rarely; a refresh runs daily). */
export const ON_DEMAND_PRICE_MAX_AGE_MS = 7 * 24 * 3_600_000;

/** How often a region's on-demand prices are fetched again. */
export const ON_DEMAND_REFRESH_INTERVAL_MS = 24 * 3_600_000;

/** After a failed refresh, the next try (not at every inventory pass: a missing IAM permission would repeat each minute). */
export const ON_DEMAND_RETRY_INTERVAL_MS = 15 * 60_000;

export interface ProductPrice { region: string; instanceType: string; usdPerHour: number }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Hourly USD prices of every dimension of every on-demand term; reserved terms, other units and currencies are ignored. */
function hourlyUsdPrices(terms: unknown): number[] {
  if (!isRecord(terms) || !isRecord(terms.OnDemand)) return [];
  return Object.values(terms.OnDemand).flatMap((term) => {
    if (!isRecord(term) || !isRecord(term.priceDimensions)) return [];
    return Object.values(term.priceDimensions).flatMap((dimension) => {
      if (!isRecord(dimension) || dimension.unit !== 'Hrs' || !isRecord(dimension.pricePerUnit)) return [];
      const usd = dimension.pricePerUnit.USD;
      const price = typeof usd === 'string' && /^\d+(\.\d+)?$/.test(usd) ? Number(usd) : NaN;
      // Zero is no price: a product billed some other way, which must never look free.
      return Number.isFinite(price) && price > 0 ? [price] : [];
    });
  });
}

/**
 * The on-demand hourly USD price a product document states, or undefined when it states none
 * (no on-demand term, only other currencies, not per hour, malformed). With several
 * dimensions or terms the highest is taken: maxPrice must hold whatever EC2 charges.
 */
export function productPrice(doc: unknown): ProductPrice | undefined {
  if (!isRecord(doc) || !isRecord(doc.product) || !isRecord(doc.product.attributes)) return undefined;
  const { instanceType, regionCode } = doc.product.attributes;
  if (typeof instanceType !== 'string' || typeof regionCode !== 'string') return undefined;
  const prices = hourlyUsdPrices(doc.terms);
  return prices.length === 0 ? undefined : { region: regionCode, instanceType, usdPerHour: Math.max(...prices) };
}

/**
 * The price of `instanceType` in `region` from a query's documents: the highest any of them
 * states for exactly that type and region (documents for others are ignored), or undefined.
 */
export function onDemandPriceFrom(docs: readonly unknown[], region: string, instanceType: string): number | undefined {
  const prices = docs.map(productPrice)
    .filter((p): p is ProductPrice => p !== undefined && p.region === region && p.instanceType === instanceType)
    .map((p) => p.usdPerHour);
  return prices.length === 0 ? undefined : Math.max(...prices);
}

/** The types to fetch: all of `used` on a scheduled refresh, only those without a stored price otherwise. */
export function typesToPrice(used: readonly string[], stored: readonly string[], onlyMissing: boolean): string[] {
  return onlyMissing ? used.filter((t) => !stored.includes(t)) : [...used];
}
