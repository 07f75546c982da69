// The EC2 UserData every worker reads at boot (spec §2.4). Workers depend on these exact key
// names: `securityToken` and `provisionerBaseUrl` to fetch their one-time secret, `capacity`,
// `workerType` and `provisionerId` to claim work, `data` for their own configuration.
//
// The domain builds the JSON text; base64 encoding, which EC2 wants, happens where the text
// leaves for EC2 (src/aws/user-data.ts), with Node's Buffer.

import { utf8Length } from './json-size';
import type { JsonObject } from './worker-type';

export interface UserData {
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
  /**
   * USD per instance-hour: the spot MaxPrice submitted to EC2 for a spot launch, the
   * on-demand price for an on-demand one (see `launchBid` in offerings.ts).
   */
  spotBid: number;
  taskclusterRootUrl: string;
  workerType: string;
}

/**
 * EC2 accepts at most this much user data, counted before base64 encoding (RunInstances
 * refuses more with InvalidParameterValue).
 */
export const MAX_USER_DATA_BYTES = 16384;

/**
 * The most characters a non-negative finite number takes in JSON: 17 significant digits
 * after `0.00000` (JSON.stringify switches to exponents below 1e-6 and from 1e21).
 */
const WIDEST_NUMBER_CHARS = 24;

/** The fields in the key order of the spec, as a new object (so its JSON has that order). */
export function orderedUserData(fields: UserData): UserData {
  return {
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
}

/** Bytes of the JSON text of `orderedUserData(fields)` were its `data` a JSON text of `dataBytes` bytes. */
export function userDataTextBytes(fields: UserData, dataBytes: number): number {
  const EMPTY_OBJECT_BYTES = 2;
  return utf8Length(JSON.stringify(orderedUserData({ ...fields, data: {} }))) - EMPTY_OBJECT_BYTES + dataBytes;
}

/**
 * Bytes user data of `textBytes` bytes takes at any prices: `price` and `spotBid` counted at
 * their widest. A definition is checked once and launched at many prices; measured this way,
 * user data within the limit at the check stays within it at every launch.
 */
export function userDataBytesAtAnyPrice(textBytes: number, prices: Pick<UserData, 'price' | 'spotBid'>): number {
  const actual = JSON.stringify(prices.price).length + JSON.stringify(prices.spotBid).length;
  return textBytes - actual + 2 * WIDEST_NUMBER_CHARS;
}
