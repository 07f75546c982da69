// The part of a worker type definition that provisioning decisions read. Workflows carry this
// view, never the whole definition: launch specs, user data and secrets stay in the database
// (the launch activity reads them there), so a workflow's history grows by the same few
// hundred bytes per iteration whatever the definition's size, and secrets never enter it.
import type { AvailabilityZoneEntry, InstanceTypeEntry, RegionEntry, WorkerTypeDefinition } from './worker-type';

export interface PlanningDefinition {
  minCapacity?: number;
  maxCapacity: number;
  scalingRatio: number;
  maxPrice: number;
  canUseOndemand?: boolean;
  canUseSpot?: boolean;
  instanceTypes: Array<Pick<InstanceTypeEntry, 'instanceType' | 'capacity' | 'utility'>>;
  regions: Array<Pick<RegionEntry, 'region'>>;
  availabilityZones?: Array<Pick<AvailabilityZoneEntry, 'region' | 'availabilityZone'>>;
}

/** The planning view of `def`, with its defaults applied (minCapacity 0, spot allowed, on-demand not). */
export function planningView(def: WorkerTypeDefinition): Required<PlanningDefinition> {
  return {
    minCapacity: def.minCapacity ?? 0,
    maxCapacity: def.maxCapacity,
    scalingRatio: def.scalingRatio,
    maxPrice: def.maxPrice,
    canUseOndemand: def.canUseOndemand ?? false,
    canUseSpot: def.canUseSpot ?? true,
    instanceTypes: def.instanceTypes.map(({ instanceType, capacity, utility }) => ({ instanceType, capacity, utility })),
    regions: def.regions.map(({ region }) => ({ region })),
    availabilityZones: (def.availabilityZones ?? []).map(({ region, availabilityZone }) => ({ region, availabilityZone })),
  };
}
