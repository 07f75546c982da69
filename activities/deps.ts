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
  /** Lifetime of a launch's one-time secret (the original used 40 minutes). */
  secretLifetimeMs: number;
  /** An instance that has not called instanceStarted by then is terminated. */
  registrationTimeoutMs: number;
  /** Instances older than this are terminated as zombies. */
  maxInstanceLifetimeMs: number;
  /** A reservation EC2 never shows an instance for is given up after this. */
  requestedTimeoutMs: number;
  /** Spot prices older than this are ignored. */
  spotPriceMaxAgeMs: number;
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

export const DEFAULT_SETTINGS: Omit<ProvisionerSettings, 'provisionerId' | 'provisionerBaseUrl' | 'rootUrl' | 'allowedRegions'> = {
  secretLifetimeMs: 40 * 60_000,
  registrationTimeoutMs: 30 * 60_000,
  maxInstanceLifetimeMs: 96 * 3_600_000,
  requestedTimeoutMs: 15 * 60_000,
  spotPriceMaxAgeMs: 30 * 60_000,
};

/** Tags that mark an instance as ours; the inventory finds instances by `Owner`. */
export function instanceTags(provisionerId: string, workerType: string): Record<string, string> {
  return { Name: `${provisionerId}/${workerType}`, Owner: provisionerId, WorkerType: `${provisionerId}/${workerType}` };
}
