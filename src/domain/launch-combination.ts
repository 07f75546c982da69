// One region x zone x instance type of a definition: the entries that apply to it, how their
// launchSpec, userData and secrets cascade (spec §2.3 step 5), and the launch spec it yields.
// Callers have checked the definition (definitionProblems) and that the entries exist.

import { cascade, isJsonObject, mergedMember } from './json';
import { utf8Length } from './json-size';
import { sizeProblems } from './launch-spec-limits';
import type { Bid, LaunchContext, LaunchSpecResult } from './launch-spec';
import { orderedUserData, userDataBytesAtAnyPrice, type UserData } from './user-data';
import type {
  AvailabilityZoneEntry, InstanceTypeEntry, JsonObject, RegionEntry, WorkerType, WorkerTypeDefinition,
} from './worker-type';

/** The entries one launch spec merges; `zone` only when the region has that zone configured. */
export interface Entries {
  region: RegionEntry;
  zone?: AvailabilityZoneEntry;
  type: InstanceTypeEntry;
}

export interface Combination extends Entries {
  bid: Bid;
}

type Layered = 'launchSpec' | 'userData' | 'secrets';

/** Zones configured for `region`; [] when the region has no AZ entries (any zone is allowed). */
export function zonesOfRegion(def: Pick<WorkerTypeDefinition, 'availabilityZones'>, region: string): AvailabilityZoneEntry[] {
  return (def.availabilityZones ?? []).filter((z) => z.region === region);
}

/** The levels of `field` in cascade order: global, region, zone, instance type. */
export function layersOf(def: Pick<WorkerTypeDefinition, Layered>, e: Entries, field: Layered): JsonObject[] {
  return [def[field], e.region[field], e.zone?.[field] ?? {}, e.type[field]];
}

/** How reasons name the launch spec of `c`. */
export function whereOf(c: Combination): string {
  const zone = c.zone === undefined ? '' : `, zone ${c.zone.availabilityZone}`;
  return `instance type ${c.bid.instanceType} in region ${c.bid.region}${zone}`;
}

/** Rules on the merged launch spec: the two keys may come from different levels. */
function mergedProblems(valueOf: (key: string) => unknown, bid: Bid): string[] {
  if (valueOf('SubnetId') !== undefined && valueOf('SecurityGroups') !== undefined) {
    return [
      `launchSpec for ${bid.instanceType} in ${bid.zone}: SubnetId cannot be combined with SecurityGroups; ` +
        'use SecurityGroupIds in a VPC',
    ];
  }
  return [];
}

/** As mergedProblems, read from the levels without merging them. */
export function layeredProblems(def: WorkerType, c: Combination): string[] {
  const layers = layersOf(def, c, 'launchSpec');
  return mergedProblems((key) => mergedMember(layers, key), c.bid);
}

/** The user data of `c` (spec §2.4), in the spec's key order. */
export function userDataOf(def: WorkerType, c: Combination, ctx: LaunchContext, data: JsonObject): UserData {
  return orderedUserData({
    availabilityZone: c.bid.zone,
    capacity: c.type.capacity,
    data,
    instanceType: c.bid.instanceType,
    lastModified: def.lastModified,
    launchSpecGenerated: ctx.now,
    price: c.bid.truePrice,
    provisionerBaseUrl: ctx.provisionerBaseUrl,
    provisionerId: ctx.provisionerId,
    region: c.bid.region,
    securityToken: ctx.securityToken,
    spotBid: c.bid.price,
    taskclusterRootUrl: ctx.rootUrl,
    workerType: def.workerType,
  });
}

/** Sets what the provisioner decides on the merged (already copied) launch spec. */
function forceKeys(launchSpec: JsonObject, bid: Bid): void {
  const placement = isJsonObject(launchSpec['Placement']) ? launchSpec['Placement'] : {};
  launchSpec['Placement'] = { ...placement, AvailabilityZone: bid.zone };
  launchSpec['InstanceType'] = bid.instanceType;
}

/** The launch info of `c`, or the reasons its merged spec or its size is refused. Copies; modifies nothing. */
export function buildCombination(def: WorkerType, c: Combination, ctx: LaunchContext): LaunchSpecResult {
  const launchSpec = cascade(layersOf(def, c, 'launchSpec'));
  const userData = cascade(layersOf(def, c, 'userData'));
  const instanceUserData = userDataOf(def, c, ctx, userData);
  const userDataText = JSON.stringify(instanceUserData);
  const userDataBytes = userDataBytesAtAnyPrice(utf8Length(userDataText), instanceUserData);
  const reasons = [
    ...mergedProblems((key) => launchSpec[key], c.bid),
    ...sizeProblems(whereOf(c), userDataBytes, utf8Length(JSON.stringify(launchSpec))),
  ];
  if (reasons.length > 0) return { ok: false, reasons };
  forceKeys(launchSpec, c.bid);
  const secrets = cascade(layersOf(def, c, 'secrets'));
  const { securityToken } = ctx;
  return {
    ok: true,
    launchInfo: { launchSpec, instanceUserData, userDataText, secrets, scopes: [], userData, securityToken, workerType: def.workerType },
  };
}
