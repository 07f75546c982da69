// What EC2 must already have in a region for a definition to launch there: the AMIs, the
// security groups named in SecurityGroups and the key pairs named in KeyName, as they come
// out of the cascade for every zone x instance type (an AZ entry may override the AMI, any
// level may set the others). Read from the levels; no launch spec is built.

import { mergedMember } from './json';
import { layersOf, zonesOfRegion, type Entries } from './launch-combination';
import type { WorkerTypeDefinition } from './worker-type';

export interface LaunchTarget {
  region: string;
  imageIds: string[];
  /** SecurityGroups names (not SecurityGroupIds). */
  securityGroups: string[];
  keyNames: string[];
}

function regionTarget(def: WorkerTypeDefinition, entries: Entries[], region: string): LaunchTarget {
  const imageIds = new Set<string>();
  const securityGroups = new Set<string>();
  const keyNames = new Set<string>();
  for (const e of entries) {
    const layers = layersOf(def, e, 'launchSpec');
    const imageId = mergedMember(layers, 'ImageId');
    const groups = mergedMember(layers, 'SecurityGroups');
    const keyName = mergedMember(layers, 'KeyName');
    if (typeof imageId === 'string') imageIds.add(imageId);
    if (Array.isArray(groups)) groups.forEach((g) => securityGroups.add(String(g)));
    if (typeof keyName === 'string') keyNames.add(keyName);
  }
  return { region, imageIds: [...imageIds], securityGroups: [...securityGroups], keyNames: [...keyNames] };
}

/**
 * One target per region of `def`, each name once. Meant for a definition without
 * definitionProblems (every level's launchSpec an object).
 */
export function launchTargets(def: WorkerTypeDefinition): LaunchTarget[] {
  return def.regions.map((region) => {
    const zones = zonesOfRegion(def, region.region);
    const entries = def.instanceTypes.flatMap((type) =>
      (zones.length > 0 ? zones.map((zone) => ({ region, zone, type })) : [{ region, type }]));
    return regionTarget(def, entries, region.region);
  });
}
