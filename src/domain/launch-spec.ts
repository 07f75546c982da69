// Building the EC2 launch specification for one bid (spec §2.3) and checking that a worker
// type yields one for every region, zone and instance type it lists (`testLaunchSpecs`).

import { cascade, isJsonObject } from './json';
import { definitionProblems } from './launch-spec-rules';
import { encodeUserData } from './user-data';
import type { AvailabilityZoneEntry, JsonObject, WorkerType } from './worker-type';

export interface Bid {
  region: string;
  zone: string;
  instanceType: string;
  /** Maximum price per instance-hour submitted to EC2 (USD); UserData `spotBid`. */
  price: number;
  /** Price per utility unit the bid was chosen at (USD per hour); UserData `price`. */
  truePrice: number;
}

export interface LaunchContext {
  provisionerId: string;
  /** Base URL of this service's v1 API, where workers call getSecret. */
  provisionerBaseUrl: string;
  /** TaskCluster root URL, passed to workers as `taskclusterRootUrl`. */
  rootUrl: string;
  /** Key of the Secret created for this launch; a fresh slugid per launch. */
  securityToken: string;
  /** ISO 8601 time of generation; injected so the result is deterministic. */
  now: string;
  /** EC2 key pair to set; when given it overrides any user KeyName, when absent none is forced. */
  keyName?: string;
}

export interface LaunchInfo {
  /** Ready for EC2: InstanceType, Placement.AvailabilityZone and UserData (base64) set. */
  launchSpec: JsonObject;
  /** Merged static secrets, to store under `securityToken`. */
  secrets: JsonObject;
  /** Always empty: worker credentials get fixed role scopes, not these. */
  scopes: string[];
  /** Merged userData, also found under `data` in the UserData. */
  userData: JsonObject;
  securityToken: string;
  workerType: string;
}

export type LaunchSpecResult = { ok: true; launchInfo: LaunchInfo } | { ok: false; reasons: string[] };

export type LaunchSpecsByRegion = Record<string, Record<string, LaunchInfo>>;

export type TestLaunchSpecsResult = { ok: true; specs: LaunchSpecsByRegion } | { ok: false; reasons: string[] };

/** Thrown by createLaunchSpec; `code` is the error code the v1 API reports. */
export class InvalidLaunchSpecError extends Error {
  readonly code = 'InvalidLaunchSpecifications';

  constructor(readonly reasons: readonly string[]) {
    super(`Invalid launch specifications: ${reasons.join('; ')}`);
    this.name = 'InvalidLaunchSpecError';
  }
}

/** Zones configured for `region`; [] when the region has no AZ entries (any zone is allowed). */
function zonesOfRegion(def: WorkerType, region: string): AvailabilityZoneEntry[] {
  return (def.availabilityZones ?? []).filter((z) => z.region === region);
}

function bidProblems(def: WorkerType, bid: Bid): string[] {
  const reasons: string[] = [];
  if (!def.regions.some((r) => r.region === bid.region)) {
    reasons.push(`regions: no entry for region ${bid.region}`);
  }
  if (!def.instanceTypes.some((t) => t.instanceType === bid.instanceType)) {
    reasons.push(`instanceTypes: no entry for instance type ${bid.instanceType}`);
  }
  const zones = zonesOfRegion(def, bid.region);
  if (zones.length > 0 && !zones.some((z) => z.availabilityZone === bid.zone)) {
    reasons.push(`availabilityZones: zone ${bid.zone} is not configured for region ${bid.region}`);
  }
  return reasons;
}

/** Runs after the cascade, because the two keys may come from different levels. */
function mergedProblems(launchSpec: JsonObject, bid: Bid): string[] {
  if (launchSpec['SubnetId'] !== undefined && launchSpec['SecurityGroups'] !== undefined) {
    return [
      `launchSpec for ${bid.instanceType} in ${bid.zone}: SubnetId cannot be combined with SecurityGroups; ` +
        'use SecurityGroupIds in a VPC',
    ];
  }
  return [];
}

/** Sets what the provisioner decides on the merged (already copied) launch spec. */
function forceKeys(launchSpec: JsonObject, bid: Bid, ctx: LaunchContext): void {
  const placement = isJsonObject(launchSpec['Placement']) ? launchSpec['Placement'] : {};
  launchSpec['Placement'] = { ...placement, AvailabilityZone: bid.zone };
  launchSpec['InstanceType'] = bid.instanceType;
  if (ctx.keyName !== undefined) {
    launchSpec['KeyName'] = ctx.keyName;
  }
}

/**
 * The launch spec, secrets and userData for `bid`, or every reason they cannot be built.
 * Pure: never throws for a bad definition, and neither `def` nor `bid` is modified.
 */
export function buildLaunchSpec(def: WorkerType, bid: Bid, ctx: LaunchContext): LaunchSpecResult {
  const reasons = [...definitionProblems(def), ...bidProblems(def, bid)];
  const region = def.regions.find((r) => r.region === bid.region);
  const type = def.instanceTypes.find((t) => t.instanceType === bid.instanceType);
  if (reasons.length > 0 || region === undefined || type === undefined) {
    return { ok: false, reasons };
  }
  const zone = zonesOfRegion(def, bid.region).find((z) => z.availabilityZone === bid.zone);
  const launchSpec = cascade([def.launchSpec, region.launchSpec, zone?.launchSpec ?? {}, type.launchSpec]);
  const problems = mergedProblems(launchSpec, bid);
  if (problems.length > 0) {
    return { ok: false, reasons: problems };
  }
  const userData = cascade([def.userData, region.userData, zone?.userData ?? {}, type.userData]);
  const secrets = cascade([def.secrets, region.secrets, zone?.secrets ?? {}, type.secrets]);

  forceKeys(launchSpec, bid, ctx);
  launchSpec['UserData'] = encodeUserData({
    availabilityZone: bid.zone,
    capacity: type.capacity,
    data: userData,
    instanceType: bid.instanceType,
    lastModified: def.lastModified,
    launchSpecGenerated: ctx.now,
    price: bid.truePrice,
    provisionerBaseUrl: ctx.provisionerBaseUrl,
    provisionerId: ctx.provisionerId,
    region: bid.region,
    securityToken: ctx.securityToken,
    spotBid: bid.price,
    taskclusterRootUrl: ctx.rootUrl,
    workerType: def.workerType,
  });
  const launchInfo = { launchSpec, secrets, scopes: [], userData, securityToken: ctx.securityToken, workerType: def.workerType };
  return { ok: true, launchInfo };
}

/** As buildLaunchSpec; throws InvalidLaunchSpecError (with every reason) for a bad definition or bid. */
export function createLaunchSpec(def: WorkerType, bid: Bid, ctx: LaunchContext): LaunchInfo {
  const result = buildLaunchSpec(def, bid, ctx);
  if (!result.ok) {
    throw new InvalidLaunchSpecError(result.reasons);
  }
  return result.launchInfo;
}

/** The zones tried for a region: its configured zones, or a stand-in `<region>a`. */
function zonesToTry(def: WorkerType, region: string): string[] {
  const configured = zonesOfRegion(def, region).map((z) => z.availabilityZone);
  return configured.length > 0 ? configured : [`${region}a`];
}

/**
 * Builds a launch spec for every region x instance type x zone with a dummy bid (price 1,
 * truePrice 1), and collects every distinct reason. Where several zones of a region give a
 * spec for one instance type, the last zone's spec is kept, as in the original. Never throws.
 */
export function testLaunchSpecs(def: WorkerType, ctx: LaunchContext): TestLaunchSpecsResult {
  const reasons = new Set(definitionProblems(def));
  const specs = new Map<string, Map<string, LaunchInfo>>();
  for (const { region } of def.regions) {
    const byType = specs.get(region) ?? new Map<string, LaunchInfo>();
    specs.set(region, byType);
    for (const { instanceType } of def.instanceTypes) {
      for (const zone of zonesToTry(def, region)) {
        const result = buildLaunchSpec(def, { region, zone, instanceType, price: 1, truePrice: 1 }, ctx);
        if (result.ok) {
          byType.set(instanceType, result.launchInfo);
        } else {
          result.reasons.forEach((reason) => reasons.add(reason));
        }
      }
    }
  }
  if (reasons.size > 0) {
    return { ok: false, reasons: [...reasons] };
  }
  // Object.fromEntries keeps a name such as `__proto__` an ordinary key.
  const byRegion = [...specs].map(([region, byType]) => [region, Object.fromEntries(byType)] as const);
  return { ok: true, specs: Object.fromEntries(byRegion) };
}
