// Everything a route handler may use, built once per process and injected into the app.
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { WorkerTypeRepository } from '../db/worker-types';
import type { AmiSetRepository } from '../db/ami-sets';
import type { SecretRepository } from '../db/secrets';
import type { Ledger } from '../db/ledger';
import type { StatusRepository } from '../db/status';
import type { AdmissionStore } from '../db/admission';
import type { NonceStore } from '../db/hawk-nonces';
import type { RateLimitStore } from '../db/rate-limits';
import type { LaunchabilityChecker } from '../aws/launchability';
import type { EventPublisher } from '../events/publisher';
import type { HistoryRepository } from '../db/history';
import type { WorkflowControl } from '../temporal/workflow-control';
import type { Authenticator } from './auth/authenticator';

export interface ApiServices {
  config: Config;
  logger: Logger;
  workerTypes: WorkerTypeRepository;
  amiSets: AmiSetRepository;
  secrets: SecretRepository;
  ledger: Ledger;
  statuses: StatusRepository;
  /** Launches, launch failures and terminations per worker type (bounded). */
  history: HistoryRepository;
  /** Sends the outbox's Pulse events; absent without PULSE_URL (then no event is written either). */
  events: EventPublisher | undefined;
  /** Starts and signals the provisioning workflows. */
  workflows: WorkflowControl;
  /** Checks AMIs and security groups of a definition against EC2 (cached). */
  launchability: LaunchabilityChecker;
  /** Local (the `Client` table) or delegated to TaskCluster's Auth service, as AUTH_MODE says. */
  authenticate: Authenticator;
  /** Records a signed request's nonce and write count in one statement (admission.ts). */
  admission: AdmissionStore;
  /** Hawk nonces seen by any replica (recorded at admission; swept periodically). */
  nonces: NonceStore;
  /** Per-client write counters shared by the replicas (counted at admission; swept periodically). */
  rateLimits: RateLimitStore;
  /** Most items a list route returns (MAX_LIST_ITEMS unless a test injects a smaller one). */
  listLimit: number;
  /** Injected so tests can move time (secret expiry). */
  now: () => Date;
  startedAt: number;
}
