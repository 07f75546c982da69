// Simulates docker-worker's AWS host configuration (src/lib/host/aws.js) in two generations:
//   docker-worker-2017: up to 2018-09-13, the provisioner is `provisionerBaseUrl` from user data;
//   docker-worker-2019: 2018-12 to 2019-09, ONLY `<taskclusterRootUrl>/api/aws-provisioner/v1`
//                       (provisionerBaseUrl is ignored), and no taskclusterRootUrl shuts down.
// Order of calls (the real code issues the six metadata reads at once, in this order):
//   imds meta-data/public-hostname, public-ipv4, local-ipv4, instance-id,
//        placement/availability-zone (required: a 404 leaves it undefined and crashes), instance-type
//        (404 is tolerated for the others; any other failure crashes)
//   imds user-data                      (must be a JSON object)
//   provisioner getSecret               (taskcluster-client 1.6.3, unsigned; failure shuts down: no removeSecret)
//   provisioner removeSecret            (failure crashes the worker)
//   [secrets get worker-type:<provisionerId>/<workerType>]   (2019 only, with `secretsService`;
//                                        anything but 200, 404 included, shuts down)
//   [provisioner workerType, signed]    (`checkCredentials`, see below)
// taskcluster-client 1.6.3 takes only a baseUrl, so the 2019 profile passes the URL that the
// newer client of the real worker derived from `rootUrl`.
// It never calls instanceStarted. docker-worker before 2018-05-31 kept running with capacity 0
// instead of shutting down when getSecret failed; either way it makes no further calls.
import { checkSecretResponse, type Certificate, type TemporaryCredentials } from './credentials';
import { jsCall, jsProvisioner } from './tc-client';
import { BootFailure, CallLog, askSecrets, describe, imdsGet, ok, provisionerUrlFromRoot, segment, type Call, type SecretsService } from './wire';

export type DockerWorkerProfile = 'docker-worker-2017' | 'docker-worker-2019';

export interface DockerWorkerOptions {
  imdsUrl: string;
  profile: DockerWorkerProfile;
  /** Consulted by the 2019 profile only (the secrets service arrived in 2019-02). */
  secretsService?: SecretsService;
  /**
   * Default true: after boot, call `workerType(<workerType>)` with the new credentials and fail
   * unless it succeeds. docker-worker makes no such call; it stands in for the secrets-service
   * call made with the same credentials, which the tests do not run.
   */
  checkCredentials?: boolean;
  /** taskcluster-client retries of 5xx and connection errors; default 0 (the client's own default is 5). */
  retries?: number;
}

export interface DockerWorkerHandle {
  registeredAt: number;
  profile: DockerWorkerProfile;
  workerType: string;
  provisionerId: string;
  capacity: number;
  workerId: string;
  credentials: TemporaryCredentials;
  certificate: Certificate;
  calls: Call[];
  /** Nothing runs in the background; present for symmetry with the other simulators. */
  stop(): void;
}

const METADATA = [
  'meta-data/public-hostname', 'meta-data/public-ipv4', 'meta-data/local-ipv4', 'meta-data/instance-id',
  'meta-data/placement/availability-zone', 'meta-data/instance-type',
] as const;

type Fail = (message: string) => never;

/** getText(): the body, undefined on 404, a crash on anything else. */
async function readMetadata(log: CallLog, imdsUrl: string, crash: Fail): Promise<Record<string, string | undefined>> {
  const values: Record<string, string | undefined> = {};
  for (const path of METADATA) {
    const reply = await imdsGet(log, imdsUrl, path);
    if (reply.status !== 404 && !ok(reply)) crash(`${path}: ${describe(reply)}`);
    values[path] = reply.status === 404 ? undefined : reply.text;
  }
  if (values['meta-data/placement/availability-zone'] === undefined) crash('placement/availability-zone is missing (workerGroup cannot be derived)');
  return values;
}

/** getJsonData(): any failure yields undefined, which the next line dereferences. */
async function readUserData(log: CallLog, imdsUrl: string, crash: Fail): Promise<Record<string, unknown>> {
  const reply = await imdsGet(log, imdsUrl, 'user-data');
  let parsed: unknown;
  try {
    parsed = ok(reply) ? JSON.parse(reply.text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) crash(`user data is not a JSON object (${describe(reply)})`);
  return parsed as Record<string, unknown>;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

function provisionerUrl(profile: DockerWorkerProfile, ud: Record<string, unknown>, crash: Fail, shutdown: Fail): string {
  if (profile === 'docker-worker-2017') {
    if (!nonEmpty(ud.provisionerBaseUrl)) crash('no provisionerBaseUrl in user data: taskcluster-client would call https://aws-provisioner.taskcluster.net/v1');
    return ud.provisionerBaseUrl;
  }
  if (!ud.taskclusterRootUrl) shutdown('no taskclusterRootUrl in user data ([alert-operator] no rootUrl provided)');
  if (!nonEmpty(ud.taskclusterRootUrl)) crash('taskclusterRootUrl is not a string');
  return provisionerUrlFromRoot(ud.taskclusterRootUrl);
}

/** What docker-worker needs to claim work: capacity is the number of tasks it runs at once. */
function workIdentity(ud: Record<string, unknown>, crash: Fail) {
  const { workerType, provisionerId, capacity } = ud;
  if (!nonEmpty(workerType) || !nonEmpty(provisionerId)) crash('user data lacks workerType or provisionerId');
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1) {
    crash(`capacity ${JSON.stringify(capacity)} is not a positive integer: the worker would claim no tasks or misbehave`);
  }
  return { workerType, provisionerId, capacity };
}

export async function boot(opts: DockerWorkerOptions): Promise<DockerWorkerHandle> {
  const log = new CallLog();
  const crash: Fail = (message) => { throw new BootFailure(`${opts.profile}: ${message}`, log.calls); };
  const shutdown: Fail = (message) => { throw new BootFailure(`${opts.profile}: shutdown -h now: ${message}`, log.calls, true); };
  const metadata = await readMetadata(log, opts.imdsUrl, crash);
  const ud = await readUserData(log, opts.imdsUrl, crash);
  const base = provisionerUrl(opts.profile, ud, crash, shutdown);
  const token = ud.securityToken;
  if (!nonEmpty(token)) {
    if (opts.profile === 'docker-worker-2019' && !ud.credentials) shutdown('no securityToken and no static credentials ([alert-operator] no taskcluster credentials available)');
    crash('no securityToken in user data (static credentials are not simulated)');
  }
  const anonymous = jsProvisioner(base, undefined, opts.retries);
  const secretUrl = `${base}/secret/${segment(token)}`;
  const got = await jsCall(log, 'getSecret', secretUrl, () => anonymous.getSecret(token));
  if (got.error) shutdown(`error retrieving credentials from provisioner: ${got.error.message}`);
  const removed = await jsCall(log, 'removeSecret', secretUrl, () => anonymous.removeSecret(token));
  if (removed.error) crash(`removeSecret failed: ${removed.error.message}`);
  let secret: ReturnType<typeof checkSecretResponse>;
  try {
    secret = checkSecretResponse(got.value ?? null, Date.now());
  } catch (err) {
    return crash((err as Error).message);
  }
  // docker-worker does not validate these; the simulator fails after the exchange, where the real worker would go wrong.
  const identity = workIdentity(ud, crash);
  if (opts.profile === 'docker-worker-2019') {
    const name = `worker-type:${identity.provisionerId}/${identity.workerType}`;
    const answer = await askSecrets(log, opts.secretsService, secret.credentials, name);
    if (answer && answer.status !== 200) shutdown(`error retrieving worker type secret ${name}: HTTP ${answer.status}`);
  }
  if (opts.checkCredentials ?? true) {
    const signed = jsProvisioner(base, secret.credentials, opts.retries);
    const url = `${base}/worker-type/${segment(identity.workerType)}`;
    const checked = await jsCall(log, 'workerType', url, () => signed.workerType(identity.workerType));
    if (checked.error) crash(`the provisioner did not accept the new credentials for workerType: ${checked.error.message}`);
  }
  return {
    registeredAt: Date.now(), profile: opts.profile, ...identity, workerId: metadata['meta-data/instance-id'] ?? '',
    credentials: secret.credentials, certificate: secret.certificate, calls: log.calls, stop: () => undefined,
  };
}
