// The worker type definition as the v1 API accepts it (spec §2.1), and its stored form.
// Shapes only: the API schema is what rejects extra or missing properties.

/** A JSON object whose values the provisioner passes through without interpreting. */
export type JsonObject = Record<string, unknown>;

/** A region entry's launchSpec: the only level that must carry the AMI. */
export type RegionLaunchSpec = JsonObject & { ImageId: string };

export interface InstanceTypeEntry {
  instanceType: string;
  /** Tasks one instance runs at once; must be > 0. */
  capacity: number;
  /** Relative performance; the divisor when comparing prices per unit of work. */
  utility: number;
  launchSpec: JsonObject;
  secrets: JsonObject;
  userData: JsonObject;
  /** Stored but unused, as in the original. */
  scopes: string[];
}

export interface RegionEntry {
  region: string;
  launchSpec: RegionLaunchSpec;
  secrets: JsonObject;
  userData: JsonObject;
  /** Stored but unused, as in the original. */
  scopes: string[];
}

export interface AvailabilityZoneEntry {
  region: string;
  availabilityZone: string;
  launchSpec: JsonObject;
  secrets?: JsonObject;
  userData?: JsonObject;
}

/** The body of createWorkerType / updateWorkerType. */
export interface WorkerTypeDefinition {
  launchSpec: JsonObject;
  userData: JsonObject;
  secrets: JsonObject;
  scopes: string[];
  minCapacity?: number;
  maxCapacity: number;
  scalingRatio: number;
  minPrice: number;
  maxPrice: number;
  /** May launch on-demand instances when spot is unavailable or over maxPrice (default false). */
  canUseOndemand?: boolean;
  /** May launch spot instances (default true). */
  canUseSpot?: boolean;
  instanceTypes: InstanceTypeEntry[];
  regions: RegionEntry[];
  availabilityZones?: AvailabilityZoneEntry[];
  description: string;
  owner: string;
}

/** A stored worker type: the definition with its name and last modification time. */
export interface WorkerType extends WorkerTypeDefinition {
  workerType: string;
  /** ISO 8601 date-time, set on create and on every update. */
  lastModified: string;
}

/** Instance types a definition lists, for lookups that need nothing else. */
export type InstanceTypeList = Pick<WorkerTypeDefinition, 'instanceTypes'>;

function findInstanceType(def: InstanceTypeList, instanceType: string): InstanceTypeEntry | undefined {
  return def.instanceTypes.find((entry) => entry.instanceType === instanceType);
}

/**
 * Capacity of one instance of `instanceType`. An instance type no longer in the definition
 * (it was removed while instances of it still run) counts as 1 rather than throwing, so one
 * edit of the definition cannot stop the worker type from being provisioned.
 */
export function capacityOfType(def: InstanceTypeList, instanceType: string): number {
  return findInstanceType(def, instanceType)?.capacity ?? 1;
}
