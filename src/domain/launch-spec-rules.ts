// Rules a worker type definition must meet before any launch spec is built from it (spec §2.3
// steps 1-4 and 8). Each rule yields a reason naming the offending field, so an API caller can
// fix every problem from one response.

import { isJsonObject } from './json';
import { DEFINITION_KEYS, GENERATED_KEYS, jsonKindOf, launchSpecKeyKind, type JsonKind } from './launch-spec-keys';
import type { WorkerTypeDefinition } from './worker-type';

type ImageIdRule = 'forbidden' | 'required' | 'optional';

interface Level {
  path: string;
  launchSpec: unknown;
  objects: Record<'userData' | 'secrets', unknown>;
  imageId: ImageIdRule;
}

interface LevelSource {
  launchSpec: unknown;
  userData: unknown;
  secrets: unknown;
}

function level(path: string, source: LevelSource, imageId: ImageIdRule): Level {
  const objects = { userData: source.userData, secrets: source.secrets };
  return { path, launchSpec: source.launchSpec, objects, imageId };
}

function levelsOf(def: WorkerTypeDefinition): Level[] {
  // Only AZ entries may omit userData and secrets; their schema defaults them to {}.
  const zones = (def.availabilityZones ?? [])
    .map((z) => ({ ...z, userData: z.userData ?? {}, secrets: z.secrets ?? {} }));
  return [
    level('', def, 'forbidden'),
    ...def.regions.map((r) => level(`regions[${r.region}].`, r, 'required')),
    // An AZ may override the region's AMI, as the original allowed; it may not unset it.
    ...zones.map((z) => level(`availabilityZones[${z.availabilityZone}].`, z, 'optional')),
    ...def.instanceTypes.map((t) => level(`instanceTypes[${t.instanceType}].`, t, 'forbidden')),
  ];
}

function imageIdProblem(spec: Record<string, unknown>, rule: ImageIdRule, at: string): string | undefined {
  const value = spec['ImageId'];
  if (rule === 'forbidden') {
    return value === undefined ? undefined : `${at}.ImageId is not allowed here; set it in regions[].launchSpec`;
  }
  if (value === undefined) {
    return rule === 'required' ? `${at}.ImageId is required` : undefined;
  }
  return typeof value === 'string' && value !== '' ? undefined : `${at}.ImageId must be a non-empty string`;
}

const A_KIND: Record<JsonKind, string> = {
  string: 'a string', boolean: 'a boolean', number: 'a number', array: 'an array', object: 'an object',
};

/** Unknown keys, keys the provisioner sets, and values of the wrong JSON type (ImageId: see imageIdProblem). */
function keyProblems(spec: Record<string, unknown>, at: string): string[] {
  const reasons: string[] = [];
  let refusedAny = false;
  for (const [key, value] of Object.entries(spec)) {
    const kind = launchSpecKeyKind(key);
    if (kind === undefined) {
      reasons.push(`${at}.${key} is not an allowed launch specification key`);
      refusedAny = true;
    } else if (key !== 'ImageId' && !GENERATED_KEYS.includes(key) && jsonKindOf(value) !== kind) {
      reasons.push(`${at}.${key} must be ${A_KIND[kind]}`);
    }
  }
  // Once per level, however many keys it refuses: the list is long.
  if (refusedAny) {
    reasons.push(`${at}: the allowed launch specification keys are ${DEFINITION_KEYS.join(', ')}`);
  }
  if (spec['InstanceType'] !== undefined) {
    reasons.push(`${at}.InstanceType is not allowed; it is set from instanceTypes[].instanceType`);
  }
  if (spec['UserData'] !== undefined) {
    reasons.push(`${at}.UserData is not allowed; put worker configuration in userData`);
  }
  return reasons;
}

function levelProblems(level: Level): string[] {
  const reasons: string[] = [];
  for (const [name, value] of Object.entries(level.objects)) {
    if (!isJsonObject(value)) {
      reasons.push(`${level.path}${name} must be an object`);
    }
  }
  const at = `${level.path}launchSpec`;
  if (!isJsonObject(level.launchSpec)) {
    return [...reasons, `${at} must be an object`];
  }
  const imageId = imageIdProblem(level.launchSpec, level.imageId, at);
  return [...reasons, ...(imageId === undefined ? [] : [imageId]), ...keyProblems(level.launchSpec, at)];
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of names) {
    (seen.has(name) ? repeated : seen).add(name);
  }
  return [...repeated];
}

function uniquenessProblems(def: WorkerTypeDefinition): string[] {
  return [
    ...duplicates(def.regions.map((r) => r.region)).map((n) => `regions: region ${n} appears more than once`),
    ...duplicates(def.instanceTypes.map((t) => t.instanceType))
      .map((n) => `instanceTypes: instance type ${n} appears more than once`),
    ...duplicates((def.availabilityZones ?? []).map((z) => z.availabilityZone))
      .map((n) => `availabilityZones: availability zone ${n} appears more than once`),
  ];
}

function capacityProblems(def: WorkerTypeDefinition): string[] {
  return def.instanceTypes
    .filter((t) => !(typeof t.capacity === 'number' && Number.isFinite(t.capacity) && t.capacity > 0))
    .map((t) => `instanceTypes[${t.instanceType}].capacity must be a number greater than 0`);
}

/**
 * The original required, once any AZ entry existed, an entry for every zone used in every
 * region, and never checked an entry's region. Configuring one zone of one region therefore
 * stopped all launches elsewhere. Here only regions that have AZ entries are restricted to
 * those zones (see launch-spec.ts), and each entry must belong to a configured region.
 */
function zoneProblems(def: WorkerTypeDefinition): string[] {
  const regions = new Set(def.regions.map((r) => r.region));
  const reasons: string[] = [];
  for (const zone of def.availabilityZones ?? []) {
    const at = `availabilityZones[${zone.availabilityZone}]`;
    if (!regions.has(zone.region)) {
      reasons.push(`${at}: region ${zone.region} is not one of the regions`);
    }
    if (!zone.availabilityZone.startsWith(zone.region)) {
      reasons.push(`${at}: zone is not in region ${zone.region}`);
    }
  }
  return reasons;
}

/** Every reason the definition is invalid independently of any bid; [] when it is valid. */
export function definitionProblems(def: WorkerTypeDefinition): string[] {
  return [
    ...uniquenessProblems(def),
    ...capacityProblems(def),
    ...zoneProblems(def),
    ...levelsOf(def).flatMap(levelProblems),
  ];
}
