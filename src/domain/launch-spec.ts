// Building the EC2 launch specification for one bid (spec §2.3). Checking every region, zone
// and instance type of a worker type at once is `testLaunchSpecs` (launch-spec-matrix.ts).

import { buildCombination, zonesOfRegion } from './launch-combination';
import { definitionProblems } from './launch-spec-rules';
import type { UserData } from './user-data';
import type { JsonObject, WorkerType } from './worker-type';

export interface Bid {
  region: string;
  zone: string;
  instanceType: string;
  /** UserData `spotBid` (USD per instance-hour): the spot MaxPrice, or the on-demand price (see launchBid). */
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
}

/**
 * The securityToken of launch specs no instance is launched with (definition checks,
 * getLaunchSpecs). No secret is ever stored under it: launch tokens are derived per launch.
 */
export const PLACEHOLDER_SECURITY_TOKEN = 'AAAAAAAAQAAAAAAAAAAAAA';

export interface LaunchInfo {
  /**
   * The merged launch spec with InstanceType and Placement.AvailabilityZone set, and no
   * UserData: where it goes to EC2, UserData is set to the base64 of `userDataText`.
   */
  launchSpec: JsonObject;
  /** The user data object the instance gets (spec §2.4). */
  instanceUserData: UserData;
  /** Its JSON text, what EC2 gets before base64: within MAX_USER_DATA_BYTES at any prices. */
  userDataText: string;
  /** Merged static secrets, to store under `securityToken`. */
  secrets: JsonObject;
  /** Always empty: worker credentials get fixed role scopes, not these. */
  scopes: string[];
  /** Merged userData, also found under `data` in the user data (the same object). */
  userData: JsonObject;
  securityToken: string;
  workerType: string;
}

export type LaunchSpecResult = { ok: true; launchInfo: LaunchInfo } | { ok: false; reasons: string[] };

/** Thrown by createLaunchSpec; `code` is the error code the v1 API reports. */
export class InvalidLaunchSpecError extends Error {
  readonly code = 'InvalidLaunchSpecifications';

  constructor(readonly reasons: readonly string[]) {
    super(`Invalid launch specifications: ${reasons.join('; ')}`);
    this.name = 'InvalidLaunchSpecError';
  }
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

/**
 * The launch spec, user data, secrets and userData for `bid`, or every reason they cannot be
 * built. Pure: never throws for a bad definition, and neither `def` nor `bid` is modified.
 */
export function buildLaunchSpec(def: WorkerType, bid: Bid, ctx: LaunchContext): LaunchSpecResult {
  const reasons = [...definitionProblems(def), ...bidProblems(def, bid)];
  const region = def.regions.find((r) => r.region === bid.region);
  const type = def.instanceTypes.find((t) => t.instanceType === bid.instanceType);
  if (reasons.length > 0 || region === undefined || type === undefined) {
    return { ok: false, reasons };
  }
  const zone = zonesOfRegion(def, bid.region).find((z) => z.availabilityZone === bid.zone);
  return buildCombination(def, { bid, region, zone, type }, ctx);
}

/** As buildLaunchSpec; throws InvalidLaunchSpecError (with every reason) for a bad definition or bid. */
export function createLaunchSpec(def: WorkerType, bid: Bid, ctx: LaunchContext): LaunchInfo {
  const result = buildLaunchSpec(def, bid, ctx);
  if (!result.ok) {
    throw new InvalidLaunchSpecError(result.reasons);
  }
  return result.launchInfo;
}
