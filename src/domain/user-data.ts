// The EC2 UserData every worker reads at boot (spec §2.4). Workers depend on these exact key
// names: `securityToken` and `provisionerBaseUrl` to fetch their one-time secret, `capacity`,
// `workerType` and `provisionerId` to claim work, `data` for their own configuration.

import { base64EncodeUtf8 } from './base64';
import type { JsonObject } from './worker-type';

export interface UserDataFields {
  availabilityZone: string;
  capacity: number;
  /** The merged userData (global <- region <- AZ <- instance type). */
  data: JsonObject;
  instanceType: string;
  /** The worker type's lastModified (ISO), so a worker can tell it runs an old definition. */
  lastModified: string;
  /** When this launch spec was built (ISO). */
  launchSpecGenerated: string;
  /** Price per utility unit the bid was chosen at (USD per hour). */
  price: number;
  provisionerBaseUrl: string;
  provisionerId: string;
  region: string;
  /** Key of the one-time Secret the worker claims with getSecret. */
  securityToken: string;
  /** Maximum price submitted to EC2 for the instance (USD per hour). */
  spotBid: number;
  taskclusterRootUrl: string;
  workerType: string;
}

/** Base64 of the JSON of `fields`, in the key order of the spec. */
export function encodeUserData(fields: UserDataFields): string {
  const ordered: UserDataFields = {
    availabilityZone: fields.availabilityZone,
    capacity: fields.capacity,
    data: fields.data,
    instanceType: fields.instanceType,
    lastModified: fields.lastModified,
    launchSpecGenerated: fields.launchSpecGenerated,
    price: fields.price,
    provisionerBaseUrl: fields.provisionerBaseUrl,
    provisionerId: fields.provisionerId,
    region: fields.region,
    securityToken: fields.securityToken,
    spotBid: fields.spotBid,
    taskclusterRootUrl: fields.taskclusterRootUrl,
    workerType: fields.workerType,
  };
  return base64EncodeUtf8(JSON.stringify(ordered));
}
