// Which (region, zone, instance type, market) to launch, cheapest price per unit of utility
// first. Pure: prices, zones and cooldowns come in; a ranked list comes out.
import type { Bid } from './launch-spec';
import { exactLaunches, exactSelectionFits, type LaunchLimits } from './launch-selection';
import type { PlanningDefinition } from './planning-definition';

export type Market = 'spot' | 'on-demand';

export interface SpotQuote { region: string; zone: string; instanceType: string; price: number }

/** The on-demand list price (USD per instance-hour) of a type in a region, from the AWS Price List. */
export interface OnDemandQuote { region: string; instanceType: string; price: number }

/** An offering that failed for capacity is skipped until `until` (epoch ms). */
export interface Cooldown { region: string; zone: string; instanceType: string; market: Market; until: number }

export interface Offering {
  region: string;
  zone: string;
  instanceType: string;
  market: Market;
  capacity: number;
  utility: number;
  /** Observed hourly price of one instance (USD). */
  price: number;
  /** price / utility: what the worker type's maxPrice bounds (minPrice bounds nothing: see README). */
  pricePerUtility: number;
  /** The most EC2 may ever charge per hour for it: maxPrice x utility (spot MaxPrice). */
  maxHourlyPrice: number;
}

/** The spot MaxPrice RunInstances gets for `o` (USD per instance-hour); undefined on demand, which has no bid. */
export function spotMaxPrice(o: Pick<Offering, 'market' | 'maxHourlyPrice'>): number | undefined {
  return o.market === 'spot' ? o.maxHourlyPrice : undefined;
}

/**
 * The bid a launch of `o` builds its launch spec with. `price` becomes the user data's
 * `spotBid`: the MaxPrice submitted for a spot launch, the on-demand price of an on-demand one
 * (what EC2 will charge at most per instance-hour either way).
 */
export function launchBid(o: Offering): Bid {
  return {
    region: o.region, zone: o.zone, instanceType: o.instanceType,
    price: spotMaxPrice(o) ?? o.price, truePrice: o.pricePerUtility,
  };
}

export interface OfferingInput {
  definition: Pick<PlanningDefinition, 'instanceTypes' | 'regions' | 'availabilityZones' | 'maxPrice' | 'canUseSpot' | 'canUseOndemand'>;
  allowedRegions: readonly string[];
  /** Available zones per region. */
  zones: Readonly<Record<string, readonly string[]>>;
  /** Recent maximum spot price per (region, zone, instance type). */
  spotQuotes: readonly SpotQuote[];
  cooldowns: readonly Cooldown[];
  now: number;
  /**
   * Known on-demand prices per region. A type without one in a region is never launched
   * on-demand there: without a price, maxPrice cannot be enforced.
   */
  onDemandQuotes: readonly OnDemandQuote[];
}

const round6 = (n: number) => Math.ceil(n * 1e6) / 1e6;

function zonesFor(input: OfferingInput, region: string): string[] {
  const configured = (input.definition.availabilityZones ?? []).filter((z) => z.region === region).map((z) => z.availabilityZone);
  const available = input.zones[region] ?? [];
  return configured.length > 0 ? available.filter((z) => configured.includes(z)) : [...available];
}

function coolingDown(input: OfferingInput, o: Pick<Offering, 'region' | 'zone' | 'instanceType' | 'market'>): boolean {
  return input.cooldowns.some((c) => c.until > input.now && c.region === o.region && c.zone === o.zone
    && c.instanceType === o.instanceType && c.market === o.market);
}

/**
 * Every eligible offering, cheapest per utility unit first (ties: spot before on-demand,
 * then region, zone and type names, so the order is deterministic). Offerings above
 * maxPrice per utility unit, without a known price, or cooling down are left out.
 */
export function rankOfferings(input: OfferingInput): Offering[] {
  const { definition: def } = input;
  const result: Offering[] = [];
  for (const { region } of def.regions.filter((r) => input.allowedRegions.includes(r.region))) {
    for (const zone of zonesFor(input, region)) {
      for (const { instanceType, capacity, utility } of def.instanceTypes) {
        const base = { region, zone, instanceType, capacity, utility, maxHourlyPrice: round6(def.maxPrice * utility) };
        const spot = input.spotQuotes.find((q) => q.region === region && q.zone === zone && q.instanceType === instanceType);
        if ((def.canUseSpot ?? true) && spot) result.push({ ...base, market: 'spot', price: spot.price, pricePerUtility: spot.price / utility });
        const od = input.onDemandQuotes.find((q) => q.region === region && q.instanceType === instanceType)?.price;
        if (def.canUseOndemand && od !== undefined) result.push({ ...base, market: 'on-demand', price: od, pricePerUtility: od / utility });
      }
    }
  }
  return result
    .filter((o) => o.pricePerUtility <= def.maxPrice && !coolingDown(input, o))
    .sort(compareOfferings);
}

function compareOfferings(a: Offering, b: Offering): number {
  return a.pricePerUtility - b.pricePerUtility
    || (a.market === b.market ? 0 : a.market === 'spot' ? -1 : 1)
    || a.region.localeCompare(b.region) || a.zone.localeCompare(b.zone) || a.instanceType.localeCompare(b.instanceType);
}

export interface LaunchSelection {
  launches: Offering[];
  /** Capacity wanted but not covered (no eligible offering, or the per-iteration cap). */
  shortfall: number;
}

const DEFAULT_LIMITS: LaunchLimits = { perOffering: 5, maxLaunches: 50 };

const selection = (launches: Offering[], wanted: number): LaunchSelection =>
  ({ launches, shortfall: Math.max(0, wanted - launches.reduce((s, o) => s + o.capacity, 0)) });

/**
 * The launches that cover `capacityWanted` at the least price per utility unit of the whole
 * set (src/domain/launch-selection.ts states the optimisation exactly), never past
 * `capacityRoom` (what is left under maxCapacity counting everything requested), with at most
 * `perOffering` launches of one offering, so one sold-out zone cannot absorb a whole burst,
 * and at most `maxLaunches` in total. Inputs too large for the exact DP (EXACT_WORK_LIMIT:
 * huge capacities with a tiny gcd) fall back to selectLaunchesFirstFit.
 */
export function selectLaunches(
  ranked: readonly Offering[], capacityWanted: number, capacityRoom: number, limits = DEFAULT_LIMITS,
): LaunchSelection {
  if (!exactSelectionFits(ranked, capacityWanted, capacityRoom, limits)) {
    return selectLaunchesFirstFit(ranked, capacityWanted, capacityRoom, limits);
  }
  return selection(exactLaunches(ranked, capacityWanted, capacityRoom, limits), capacityWanted);
}

/**
 * The first-fit choice of earlier versions, kept for iterations recorded with it: the first
 * ranked offering that fits, until `capacityWanted` is covered (the last instance may cover a
 * little more than wanted), never past `capacityRoom`: an instance that does not fit is
 * skipped for a smaller one. Same per-offering and total caps as selectLaunches.
 */
export function selectLaunchesFirstFit(
  ranked: readonly Offering[], capacityWanted: number, capacityRoom: number, limits = DEFAULT_LIMITS,
): LaunchSelection {
  const launches: Offering[] = [];
  const used = new Map<Offering, number>();
  let wanted = capacityWanted;
  let room = capacityRoom;
  while (wanted > 0 && launches.length < limits.maxLaunches) {
    const next = ranked.find((o) => (used.get(o) ?? 0) < limits.perOffering && o.capacity <= room);
    if (!next) break;
    launches.push(next);
    used.set(next, (used.get(next) ?? 0) + 1);
    wanted -= next.capacity;
    room -= next.capacity;
  }
  return { launches, shortfall: Math.max(0, wanted) };
}
