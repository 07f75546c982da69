// The largest worker type definition the API accepts, found by asking it. Every instance
// type carries user data of the same size under the same key, so each region x instance
// type slot holds one instance type's user data: the size that the user data limit (16384
// bytes per slot before base64) bounds. More instance types cost body bytes but not slot
// size, so the body is filled with instance types up to the body cap.
import { MAX_BODY_BYTES } from '../../src/api/body';
import { CreateWorkerTypeRequest } from '../../src/api/schemas/worker-type';
import { workerTypeDefinition } from '../../test/support/fixtures';
import { STAND_IN_SECURITY_GROUP, standInImage } from '../support/stand-ins';
import { callFailure, type ProvisionerClient } from '../support/provisioner-client';

export { MAX_BODY_BYTES };

/** The schema's bound on instance types per definition. */
const MAX_INSTANCE_TYPES: number = (CreateWorkerTypeRequest.properties.instanceTypes as { maxItems: number }).maxItems;

/** The first user data size probed, bytes; doubled until refused. */
const FIRST_PROBE_BYTES = 1024;

export interface FloodShape {
  regions: string[];
  instanceTypes: number;
  /** Characters of user data (`{"pad": "xxx..."}`) per instance type: one byte each. */
  padBytes: number;
}

/**
 * A valid definition of `shape` for the stand-in EC2. `version` only changes the
 * description, at a fixed width, so every version has the same size.
 */
export function floodDefinition(shape: FloodShape, version = 0): Record<string, unknown> {
  return workerTypeDefinition({
    launchSpec: { SecurityGroups: [STAND_IN_SECURITY_GROUP] },
    userData: {},
    instanceTypes: Array.from({ length: shape.instanceTypes }, (_, i) => ({
      // Fixed width, as the names: user data holds the instance type.
      instanceType: `bench${String(i).padStart(3, '0')}.xlarge`, capacity: 1, utility: 1, launchSpec: {}, secrets: {}, scopes: [],
      userData: { pad: 'x'.repeat(shape.padBytes) },
    })),
    regions: shape.regions.map((region) => ({
      region, launchSpec: { ImageId: standInImage(region) }, secrets: {}, userData: {}, scopes: [],
    })),
    description: `api-flood benchmark, version ${String(version).padStart(9, '0')}`,
  });
}

/**
 * The name of a benchmark worker type. User data holds the name, so every name has the same
 * length: otherwise the user data the probe found acceptable could be refused in the flood.
 */
export function workerTypeName(role: 'probe' | 'flood' | 'again', n: number): string {
  return `bench-${role}-${String(n).padStart(4, '0')}`;
}

/** Bytes of the JSON body taskcluster-client sends for `definition`. */
export const bodyBytes = (definition: unknown): number => Buffer.byteLength(JSON.stringify(definition));

/**
 * Creates a worker type: undefined when the API stored it, the API's message for a 400;
 * throws for any other answer. The bodies differ only in size (probePadding checks that the
 * smallest is accepted), so a 400 is a size limit: per slot, or over the whole definition.
 */
export type Attempt = (name: string, definition: Record<string, unknown>) => Promise<string | undefined>;

export function attemptWith(client: ProvisionerClient): Attempt {
  return async (name, definition) => {
    try {
      await client.createWorkerType(name, definition);
      return undefined;
    } catch (err) {
      const f = callFailure(err);
      if (f.status === 400) return f.message;
      throw new Error(`createWorkerType of a ${bodyBytes(definition)}-byte body answered ${f.status ?? f.code}: ${f.message.slice(0, 500)}`);
    }
  };
}

export interface PaddingProbe {
  /** The most user data per slot accepted. */
  padBytes: number;
  /** The least refused (padBytes + 1), or undefined when nothing up to the body cap was refused. */
  refusedBytes?: number;
}

/**
 * Doubles the user data of a one-instance-type definition until the API answers 400 (or the
 * body would exceed `capBytes`), then bisects to the byte. Probe worker types are removed.
 * Throws when even FIRST_PROBE_BYTES is refused: the body itself would be wrong.
 */
export async function probePadding(client: ProvisionerClient, regions: string[], capBytes: number): Promise<PaddingProbe> {
  const attempt = attemptWith(client);
  let probes = 0;
  const accepts = async (padBytes: number): Promise<boolean> => {
    const name = workerTypeName('probe', ++probes);
    const refusal = await attempt(name, floodDefinition({ regions, instanceTypes: 1, padBytes }));
    if (refusal === undefined) await client.removeWorkerType(name);
    return refusal === undefined;
  };
  const padCap = capBytes - bodyBytes(floodDefinition({ regions, instanceTypes: 1, padBytes: 0 }));
  let good = 0;
  let bad: number | undefined;
  for (let pad = FIRST_PROBE_BYTES; bad === undefined && good < padCap; pad *= 2) {
    const size = Math.min(pad, padCap);
    if (await accepts(size)) good = size;
    else bad = size;
  }
  if (bad === undefined) return { padBytes: good };
  if (good === 0) throw new Error(`the API refuses even ${bad} bytes of user data per instance type`);
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (await accepts(mid)) good = mid;
    else bad = mid;
  }
  return { padBytes: good, refusedBytes: bad };
}

/** The most instance types (up to the schema's bound) with `padBytes` each whose body fits `capBytes`. */
export function fitInstanceTypes(regions: string[], padBytes: number, capBytes: number): number {
  let types = MAX_INSTANCE_TYPES;
  while (types > 1 && bodyBytes(floodDefinition({ regions, instanceTypes: types, padBytes })) > capBytes) types--;
  return types;
}
