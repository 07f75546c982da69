// What activities are built from. Everything is injected, so tests run the same code against
// a test database, moto and the local Queue server.
import type { Ec2Gateway } from '../src/aws/ec2-gateway';
import type { PricingGateway } from '../src/aws/pricing';
import type { ActivityRepositories } from '../src/db/activity-repositories';
import { ON_DEMAND_PRICE_MAX_AGE_MS } from '../src/domain/on-demand-quotes';
import type { WorkerMetrics } from '../src/metrics/registry';
import type { WorkerTypeStability } from '../src/domain/queue-declaration';
import type { QueueClient } from '../src/queue/queue-client';

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
  /** On-demand prices older than this are ignored (src/domain/on-demand-quotes.ts). */
  onDemandPriceMaxAgeMs: number;
  /** The stability worker types are declared to the Queue with. */
  workerTypeStability: WorkerTypeStability;
}

/** What operators may change between restarts and running loops must follow (see conventions: configuration). */
export interface LoopSettings {
  iterationIntervalMs: number;
  capacityCooldownMs: number;
  inventoryIntervalMs: number;
  spotPriceIntervalMs: number;
  /** An unchanged iteration report is stored again only once the stored one is this old (0: every iteration). */
  iterationRecordMaxAgeMs: number;
}

export interface ActivityDeps {
  /** The only way activities reach the database. */
  repos: ActivityRepositories;
  ec2: Ec2Gateway;
  /** The AWS Price List Query API, for on-demand prices. */
  pricing: PricingGateway;
  queue: QueueClient;
  /** Key for deriving per-launch security tokens (see derivedSlugid). */
  tokenKey: Buffer;
  settings: ProvisionerSettings;
  now: () => Date;
  /** The worker process's metrics (src/metrics/registry.ts), one registry per deps. */
  metrics: WorkerMetrics;
}

/** Settings operators cannot change; the configurable ones (and their defaults) come from src/config.ts Timing. */
export const DEFAULT_SETTINGS: Omit<ProvisionerSettings, 'provisionerId' | 'provisionerBaseUrl' | 'rootUrl' | 'allowedRegions' | 'loop' | 'registrationTimeoutMs' | 'maxInstanceLifetimeMs' | 'workerTypeStability'> = {
  secretLifetimeMs: 40 * 60_000,
  requestedTimeoutMs: 15 * 60_000,
  spotPriceMaxAgeMs: 30 * 60_000,
  onDemandPriceMaxAgeMs: ON_DEMAND_PRICE_MAX_AGE_MS,
};
