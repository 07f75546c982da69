// The narrow EC2 interface the activities use. It translates and classifies, and decides
// nothing: which offering to launch, when to retry and what to terminate are the callers'.
//
// Every method throws only Ec2Error (src/aws/errors.ts), never an SDK error, and no error
// message contains user data or a client token.
import type { Ec2CallObserver } from './ec2-call';
import type { Ec2Clients } from './ec2-clients';
import { availabilityZones, missingImages, missingKeyPairs, missingSecurityGroups, spotPriceHistory } from './ec2-catalog';
import { describeInstancesByTag, runInstance, terminateInstances } from './ec2-instances';

export interface RunInstanceRequest {
  region: string;
  /** Idempotency key of the launch: at most 64 ASCII characters; the same token and request launch once. */
  clientToken: string;
  /**
   * The merged launch specification in the original aws-provisioner's LaunchSpecification
   * shape, with UserData already base64; its keys are those of src/domain/launch-spec-keys.ts
   * (the original's, AddressingType ignored, plus RunInstances members such as MetadataOptions).
   */
  launchSpec: Record<string, unknown>;
  market: 'spot' | 'on-demand';
  /** Highest price paid, USD per instance-hour; spot only (ignored for on-demand). */
  maxPrice?: number;
  /** Applied to the instance and its volumes at launch. */
  tags: Record<string, string>;
}

export interface LaunchedInstance {
  instanceId: string;
  zone: string;
  instanceType: string;
  state: string;
  /** ISO 8601 */
  launchTime: string;
}

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface InstanceSnapshot {
  instanceId: string;
  region: string;
  zone: string;
  instanceType: string;
  state: InstanceState;
  /** ISO 8601 */
  launchTime: string;
  clientToken?: string;
  imageId?: string;
  tags: Record<string, string>;
  spot: boolean;
  /** Why the instance is in its state, e.g. `Server.SpotInstanceTermination: ...`. */
  stateReason?: string;
}

export interface SpotPriceObservation {
  region: string;
  zone: string;
  instanceType: string;
  /** USD per instance-hour */
  price: number;
  /** ISO 8601: when EC2 set this price */
  timestamp: string;
}

export interface Ec2Gateway {
  /**
   * Launches one instance (MinCount = MaxCount = 1) with the ClientToken always set, so a
   * repeated call with the same token and request returns the first launch (EC2 semantics).
   */
  runInstance(req: RunInstanceRequest): Promise<LaunchedInstance>;
  /** Idempotent: ids already terminated, unknown or malformed count as done. Batches of at most 1000. */
  terminateInstances(region: string, instanceIds: string[]): Promise<void>;
  /** Instances with tag `key` = `value`, optionally only in `states`; reads every page. */
  describeInstancesByTag(region: string, tag: { key: string; value: string }, states?: string[]): Promise<InstanceSnapshot[]>;
  /** Linux/UNIX spot prices in effect since `since` (EC2 includes the price current at `since`). */
  spotPriceHistory(region: string, since: Date, instanceTypes?: string[]): Promise<SpotPriceObservation[]>;
  /** Names of the region's zones in state `available`, sorted. */
  availabilityZones(region: string): Promise<string[]>;
  /** The ids among `imageIds` that this account cannot see (no such AMI, or not shared with it). */
  missingImages(region: string, imageIds: string[]): Promise<string[]>;
  /** The names among `groupNames` that no security group of the region has (in any VPC). */
  missingSecurityGroups(region: string, groupNames: string[]): Promise<string[]>;
  /** The names among `keyNames` that no key pair of the region has. */
  missingKeyPairs(region: string, keyNames: string[]): Promise<string[]>;
}

export interface Ec2GatewayOptions {
  /** MaxResults of paginated reads. EC2 allows 5..1000; default 1000 (fewer calls, fewer throttle tokens). */
  pageSize?: number;
  /** Told about every EC2 call (operation, region, outcome, latency): the worker's metrics. */
  observer?: Ec2CallObserver;
}

export interface GatewayContext {
  clients: Ec2Clients;
  pageSize: number;
  observer?: Ec2CallObserver;
}

export function createEc2Gateway(clients: Ec2Clients, options: Ec2GatewayOptions = {}): Ec2Gateway {
  const ctx: GatewayContext = { clients, pageSize: options.pageSize ?? 1000, observer: options.observer };
  return {
    runInstance: (req) => runInstance(ctx, req),
    terminateInstances: (region, ids) => terminateInstances(ctx, region, ids),
    describeInstancesByTag: (region, tag, states) => describeInstancesByTag(ctx, region, tag, states),
    spotPriceHistory: (region, since, types) => spotPriceHistory(ctx, region, since, types),
    availabilityZones: (region) => availabilityZones(ctx, region),
    missingImages: (region, ids) => missingImages(ctx, region, ids),
    missingSecurityGroups: (region, names) => missingSecurityGroups(ctx, region, names),
    missingKeyPairs: (region, names) => missingKeyPairs(ctx, region, names),
  };
}
