// What activities are built from. Everything is injected, so tests run the same code against
// a test database, moto and the local Queue server.
import type { PrismaClient } from '../src/generated/prisma/client';
import type { Ec2Gateway } from '../src/aws/ec2-gateway';
import type { QueueClient } from '../src/queue/queue-client';
import type { SecretBox } from '../src/db/secret-box';

export interface ProvisionerSettings {
  provisionerId: string;
  /** `<public URL>/v1`: where workers call getSecret. */
  provisionerBaseUrl: string;
  /** TaskCluster root URL written into worker user data. */
  rootUrl: string;
  allowedRegions: string[];
  /** Loop timing as configured now: read by every iteration, so a restart with new values takes effect at once. */
  loop: LoopSettings;
  /** Lifetime of a launch's one-time secret (the original used 40 minutes). */
  secretLifetimeMs: number;
  /** An instance whose secret is not claimed by then (from its EC2 launch time) is terminated. */
  registrationTimeoutMs: number;
  /** Instances older than this are terminated as zombies. */
  maxInstanceLifetimeMs: number;
  /** A reservation EC2 never shows an instance for is given up after this. */
  requestedTimeoutMs: number;
  /** Spot prices older than this are ignored. */
  spotPriceMaxAgeMs: number;
}

/** What operators may change between restarts and running loops must follow (see conventions: configuration). */
export interface LoopSettings {
  iterationIntervalMs: number;
  capacityCooldownMs: number;
  inventoryIntervalMs: number;
  spotPriceIntervalMs: number;
}

export interface ActivityDeps {
  db: PrismaClient;
  ec2: Ec2Gateway;
  queue: QueueClient;
  secretBox: SecretBox;
  /** Key for deriving per-launch security tokens (see derivedSlugid). */
  tokenKey: Buffer;
  settings: ProvisionerSettings;
  now: () => Date;
}

export const DEFAULT_SETTINGS: Omit<ProvisionerSettings, 'provisionerId' | 'provisionerBaseUrl' | 'rootUrl' | 'allowedRegions' | 'loop'> = {
  secretLifetimeMs: 40 * 60_000,
  registrationTimeoutMs: 30 * 60_000,
  maxInstanceLifetimeMs: 96 * 3_600_000,
  requestedTimeoutMs: 15 * 60_000,
  spotPriceMaxAgeMs: 30 * 60_000,
};

/**
 * Tags of an instance and its volumes, as the original set them (spec §3.8): `Name` is the
 * worker type (what the EC2 console shows), `Owner` marks the instance as ours (the inventory
 * finds instances by it), `WorkerType` is unique across provisioners sharing an account.
 */
export function instanceTags(provisionerId: string, workerType: string): Record<string, string> {
  return { Name: workerType, Owner: provisionerId, WorkerType: `${provisionerId}/${workerType}` };
}
