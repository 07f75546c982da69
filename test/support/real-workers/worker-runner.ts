// Simulates taskcluster-worker-runner v0.6.1 with `providerType: aws-provisioner`. Order of calls:
//   imds meta-data/spot/termination-time   (when creating the provider: a 2xx means "Instance is about to shutdown")
//   imds user-data                         (typed decode: strings, capacity int, data an object)
//   provisioner getSecret, removeSecret    (ONLY `<taskclusterRootUrl>/api/aws-provisioner/v1`; provisionerBaseUrl
//                                           is ignored; removeSecret even when getSecret failed; either failing fails boot)
//   imds meta-data/ami-id, instance-id, instance-type, public-ipv4, placement/availability-zone,
//        public-hostname, local-ipv4       (every one must be 2xx)
//   [secrets get worker-type:<p>/<wt> (404, 403 fine), worker-pool:<p>/<wt> (404 fine)]  (with `secretsService`)
//   [provisioner workerType, signed]       (`checkCredentials`, see below)
// then, while the worker runs, meta-data/spot/termination-time every `terminationPollMs`.
// It never calls instanceStarted, and assumes the credentials last 96 h from boot.
import { checkSecretResponse, jsonBody, type Certificate, type TemporaryCredentials } from './credentials';
import { decodeStruct, parseJson } from './go-json';
import {
  BootFailure, CallLog, askSecrets, describe, every, goProvisionerCall, goSecretExchange, imdsGet, ok,
  provisionerUrlFromRoot, segment, type Call, type SecretsService,
} from './wire';

export interface WorkerRunnerOptions {
  imdsUrl: string;
  /** The worker it runs; with 'generic-worker', `data.genericWorker.config` must be an object when present. Default 'docker-worker'. */
  implementation?: 'docker-worker' | 'generic-worker';
  secretsService?: SecretsService;
  /**
   * Default true: after boot, call `workerType(<workerType>)` signed with the new credentials and
   * fail unless it answers 200. worker-runner makes no such call; it stands in for the
   * secrets-service calls made with the same credentials, which the tests do not run.
   */
  checkCredentials?: boolean;
  /** Period of the termination-time poll after boot; default 30 s. */
  terminationPollMs?: number;
}

export interface WorkerRunnerHandle {
  registeredAt: number;
  workerType: string;
  /** `<provisionerId>/<workerType>`. */
  workerPoolId: string;
  workerGroup: string;
  workerId: string;
  credentials: TemporaryCredentials;
  certificate: Certificate;
  /** When worker-runner believes the credentials expire: 96 h after boot, whatever the certificate says. */
  credentialsExpire: number;
  /** Set when a poll found a termination time: it would ask the worker to stop. */
  terminationNoticed: boolean;
  calls: Call[];
  stop(): void;
}

const USER_DATA = {
  data: 'map', workerType: 'string', provisionerId: 'string', region: 'string', taskclusterRootUrl: 'string',
  securityToken: 'string', capacity: 'int',
} as const;
const METADATA = [
  'meta-data/ami-id', 'meta-data/instance-id', 'meta-data/instance-type', 'meta-data/public-ipv4',
  'meta-data/placement/availability-zone', 'meta-data/public-hostname', 'meta-data/local-ipv4',
] as const;
const TERMINATION = 'meta-data/spot/termination-time';
const ASSUMED_LIFETIME_MS = 96 * 3600 * 1000;
/** Clock difference between the provisioner and the instance that the 96 h assumption tolerates. */
const LIFETIME_TOLERANCE_MS = 10 * 60 * 1000;

type Fail = (message: string) => never;
type UserData = Partial<Record<'workerType' | 'provisionerId' | 'region' | 'taskclusterRootUrl' | 'securityToken', string>> & {
  data?: Record<string, unknown>; capacity?: number;
};

async function readUserData(log: CallLog, imdsUrl: string, fail: Fail): Promise<UserData> {
  const reply = await imdsGet(log, imdsUrl, 'user-data');
  if (!ok(reply)) fail(`Could not query user data: ${describe(reply)}`);
  try {
    const ud = decodeStruct(parseJson(reply.text, 'user data'), USER_DATA, 'awsprovisioner.UserData') as UserData;
    // A missing or null `data` leaves a nil *WorkerConfig, which ConfigureRun dereferences.
    if (ud.data === undefined) fail('user data has no `data` object');
    return ud;
  } catch (err) {
    if (err instanceof BootFailure) throw err;
    return fail(`Could not query user data: ${(err as Error).message}`);
  }
}

function checkGenericWorkerConfig(data: Record<string, unknown>, fail: Fail): void {
  const gw = data.genericWorker;
  if (gw === null || typeof gw !== 'object' || !Object.hasOwn(gw, 'config')) return; // Get() fails: nothing to merge
  const config = (gw as Record<string, unknown>).config;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) fail('UserData key `genericWorker.config` must be map[string]interface{}');
}

async function readMetadata(log: CallLog, imdsUrl: string, fail: Fail): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const path of METADATA) {
    const reply = await imdsGet(log, imdsUrl, path);
    if (!ok(reply)) fail(`Error querying AWS metadata /${path}: ${describe(reply)}`);
    values[path.slice(path.lastIndexOf('/') + 1)] = reply.text;
  }
  // region = availability-zone minus its last letter; an empty zone panics.
  if (!values['availability-zone']) fail('availability-zone is empty (slicing it would panic)');
  return values;
}

/** Secrets service reads of run/secrets: both names, the older one first. */
async function readSecrets(log: CallLog, service: SecretsService | undefined, creds: TemporaryCredentials, poolId: string, fail: Fail) {
  for (const prefix of ['worker-type:', 'worker-pool:']) {
    const answer = await askSecrets(log, service, creds, `${prefix}${poolId}`);
    if (!answer || answer.status === 200 || answer.status === 404) continue;
    if (prefix === 'worker-type:' && answer.status === 403) continue;
    fail(`secret ${prefix}${poolId}: HTTP ${answer.status}`);
  }
}

export async function boot(opts: WorkerRunnerOptions): Promise<WorkerRunnerHandle> {
  const log = new CallLog();
  const fail: Fail = (message) => { throw new BootFailure(`worker-runner: ${message}`, log.calls); };
  const bootedAt = Date.now();
  if (ok(await imdsGet(log, opts.imdsUrl, TERMINATION))) fail('Instance is about to shutdown');
  const ud = await readUserData(log, opts.imdsUrl, fail);
  // An empty root URL gives the relative `/api/aws-provisioner/v1`: both calls fail without reaching anything.
  const base = ud.taskclusterRootUrl ? provisionerUrlFromRoot(ud.taskclusterRootUrl) : '/api/aws-provisioner/v1';
  const exchange = await goSecretExchange(log, base, ud.securityToken ?? '');
  if (!ok(exchange.get)) fail(`Could not fetch credentials from AWS Provisioner: ${describe(exchange.get)}`);
  if (!ok(exchange.remove)) fail(`Could not delete credentials for worker in AWS Provisioner: ${describe(exchange.remove)}`);
  let secret: ReturnType<typeof checkSecretResponse>;
  try {
    secret = checkSecretResponse(jsonBody(exchange.get.text, 'getSecret'), Date.now());
  } catch (err) {
    return fail((err as Error).message);
  }
  if (opts.implementation === 'generic-worker') checkGenericWorkerConfig(ud.data!, fail);
  const meta = await readMetadata(log, opts.imdsUrl, fail);
  const poolId = `${ud.provisionerId ?? ''}/${ud.workerType ?? ''}`;
  if (!ud.region) fail('provider did not set WorkerGroup (user data has no region)');
  if (!meta['instance-id']) fail('provider did not set WorkerID');
  const credentialsExpire = bootedAt + ASSUMED_LIFETIME_MS;
  if (secret.certificate.expiry < credentialsExpire - LIFETIME_TOLERANCE_MS) {
    fail(`credentials expire at ${new Date(secret.certificate.expiry).toISOString()}, before the 96 h worker-runner assumes`);
  }
  await readSecrets(log, opts.secretsService, secret.credentials, poolId, fail);
  if (opts.checkCredentials ?? true) {
    const url = `${base}/worker-type/${segment(ud.workerType ?? '')}`;
    const reply = await goProvisionerCall(log, 'workerType', 'GET', url, secret.credentials);
    if (reply.status !== 200) fail(`the provisioner did not accept the new credentials for workerType: ${describe(reply)}`);
  }
  const handle: WorkerRunnerHandle = {
    registeredAt: Date.now(), workerType: ud.workerType ?? '', workerPoolId: poolId, workerGroup: ud.region!,
    workerId: meta['instance-id']!, credentials: secret.credentials, certificate: secret.certificate, credentialsExpire,
    terminationNoticed: false, calls: log.calls, stop: () => undefined,
  };
  handle.stop = every(opts.terminationPollMs ?? 30_000, async () => {
    if (ok(await imdsGet(log, opts.imdsUrl, TERMINATION))) handle.terminationNoticed = true;
  });
  return handle;
}
