// Simulates generic-worker v16.6.1 (`--configure-for-aws`) booting on an instance that
// aws-provisioner launched, then its 30-minute deploymentId check. Order of calls:
//   imds user-data                      (decoded into the typed struct: any type mismatch fails;
//                                        an empty taskclusterRootUrl means "not aws-provisioner")
//   imds meta-data/public-ipv4, meta-data/public-hostname, dynamic/instance-identity/signature,
//        dynamic/instance-identity/document, user-data          (every one must be 2xx)
//   provisioner getSecret, removeSecret (removeSecret even when getSecret failed; either failing fails boot)
//   [secrets get worker-type:<provisionerId>/<workerType>]     (only with `secretsService`; 404 is fine)
//   provisioner workerType (Hawk-signed), at once and then every `checkIntervalMs`
// The provisioner is `provisionerBaseUrl` when non-empty, else `<taskclusterRootUrl>/api/aws-provisioner/v1`.
// It never calls instanceStarted. The first workerType call doubles as the proof that the
// credentials authenticate: boot fails unless it answers 200 (the real worker would only log).
import { isIP } from 'node:net';
import { checkSecretResponse, jsonBody, type Certificate, type TemporaryCredentials } from './credentials';
import {
  decodePrivateHostSetup, decodePublicHostSetup, decodeUserData, deploymentIdOf, type GenericWorkerEngine,
} from './generic-worker-config';
import { decodeStruct, parseJson } from './go-json';
import {
  BootFailure, CallLog, askSecrets, describe, every, goProvisionerCall, goSecretExchange, imdsGet, ok,
  provisionerUrlFromRoot, segment, type Call, type SecretsService,
} from './wire';

export interface GenericWorkerOptions {
  imdsUrl: string;
  /** The engine the binary was built for; it decides which config keys exist. Default 'multiuser' (the Windows builds). */
  engine?: GenericWorkerEngine;
  /**
   * Default true, which is what v16 does: boot fails without `data.genericWorker.config` in the
   * user data and without `ed25519SigningKeyLocation` in it. False accepts user data without
   * `data.genericWorker` (a fixture made for docker-worker); whatever is present is still checked.
   */
  strictConfig?: boolean;
  /** Period of the deploymentId check; default 1800 s as `checkForNewDeploymentEverySecs`. */
  checkIntervalMs?: number;
  secretsService?: SecretsService;
}

export interface GenericWorkerHandle {
  registeredAt: number;
  workerType: string;
  provisionerId: string;
  workerId: string;
  credentials: TemporaryCredentials;
  certificate: Certificate;
  /** The deploymentId it booted with. */
  deploymentId: string;
  /** Every workerType call (the one at boot included) and how it went. */
  checks: Array<{ at: number; status?: number; deploymentId?: string; error?: string }>;
  /** Set when a check saw another deploymentId: the real worker shuts the instance down then. */
  deploymentIdChanged: boolean;
  calls: Call[];
  stop(): void;
}

const METADATA = [
  'meta-data/public-ipv4', 'meta-data/public-hostname', 'dynamic/instance-identity/signature',
  'dynamic/instance-identity/document', 'user-data',
] as const;
const IDENTITY_DOCUMENT = {
  instanceId: 'string', imageId: 'string', instanceType: 'string', region: 'string', availabilityZone: 'string', privateIp: 'string',
} as const;
/** Config settings Validate() requires; the defaults of loadConfig cover the directories and ports. */
const REQUIRED = ['accessToken', 'clientId', 'provisionerId', 'rootURL', 'workerGroup', 'workerId', 'workerType'] as const;

type Fail = (message: string) => never;

function decoded<T>(fail: Fail, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof BootFailure) throw err;
    return fail(`${what}: ${(err as Error).message}`);
  }
}

/** InferAWSConfigProvider: the first user-data read and its typed decode. */
async function inferProvider(log: CallLog, imdsUrl: string, fail: Fail) {
  const reply = await imdsGet(log, imdsUrl, 'user-data');
  if (!ok(reply)) fail(`Could not read user data: ${describe(reply)}`);
  const userData = decoded(fail, 'Could not unmarshal userdata into AWSProvisionerUserData', () => decodeUserData(parseJson(reply.text, 'user data')));
  if (!userData.fields.taskclusterRootUrl) fail('Userdata is not recognised as AWS Provisioner userdata: taskclusterRootUrl is empty');
  return userData;
}

/** AWSUpdateConfig: the metadata reads, each of which must succeed, and the identity document. */
async function readMetadata(log: CallLog, imdsUrl: string, fail: Fail) {
  const text: Record<string, string> = {};
  for (const path of METADATA) {
    const reply = await imdsGet(log, imdsUrl, path);
    if (!ok(reply)) fail(`Error querying AWS metadata ${path}: ${describe(reply)}`);
    text[path] = reply.text;
  }
  const iid = decoded(fail, 'Could not interpret id document as json', () =>
    decodeStruct(parseJson(text['dynamic/instance-identity/document']!, 'id document'), IDENTITY_DOCUMENT, 'main.InstanceIdentityDocument'));
  return { iid: iid as Partial<Record<keyof typeof IDENTITY_DOCUMENT, string>>, publicIp: text['meta-data/public-ipv4']! };
}

/** The settings Validate() looks at, in the order v16 sets them: metadata, user data and credentials, then `config`. */
function mergeConfig(
  meta: Awaited<ReturnType<typeof readMetadata>>, ud: Record<string, unknown>, creds: TemporaryCredentials, config: Record<string, unknown>,
): Record<string, unknown> {
  return {
    workerId: meta.iid.instanceId, publicIP: isIP(meta.publicIp) ? meta.publicIp : '', region: meta.iid.region,
    provisionerId: ud.provisionerId ?? '', provisionerBaseURL: ud.provisionerBaseUrl ?? '', rootURL: ud.taskclusterRootUrl,
    ...creds, workerGroup: ud.region ?? '', workerType: ud.workerType ?? '',
    ...config,
  };
}

function validate(c: Record<string, unknown>, needSigningKey: boolean, fail: Fail): void {
  for (const name of REQUIRED) if (!c[name]) fail(`Config setting "${name}" has not been defined`);
  if (!c.publicIP) fail('Config setting "publicIP" has not been defined');
  if (needSigningKey && !c.ed25519SigningKeyLocation) fail('Config setting "ed25519SigningKeyLocation" has not been defined');
}

/** The worker-type secret, when a secrets service is given: 200 must decode, 404 means none, anything else fails. */
async function bootstrapSecret(log: CallLog, opts: GenericWorkerOptions, creds: TemporaryCredentials, c: Record<string, unknown>, fail: Fail) {
  const name = `worker-type:${String(c.provisionerId)}/${String(c.workerType)}`;
  const answer = await askSecrets(log, opts.secretsService, creds, name);
  if (!answer || answer.status === 404) return {};
  if (answer.status !== 200) fail(`Error fetching secret ${name} from taskcluster-secrets service: HTTP ${answer.status}`);
  return decoded(fail, `Error converting secret ${name} into config/files`, () => decodePrivateHostSetup(answer.secret));
}

export async function boot(opts: GenericWorkerOptions): Promise<GenericWorkerHandle> {
  const log = new CallLog();
  const fail: Fail = (message) => { throw new BootFailure(`generic-worker: ${message}`, log.calls); };
  const engine = opts.engine ?? 'multiuser';
  const strict = opts.strictConfig ?? true;
  const userData = await inferProvider(log, opts.imdsUrl, fail);
  const ud = userData.fields;
  const meta = await readMetadata(log, opts.imdsUrl, fail);
  const base = (ud.provisionerBaseUrl as string | undefined) || provisionerUrlFromRoot(ud.taskclusterRootUrl as string);
  const exchange = await goSecretExchange(log, base, (ud.securityToken as string | undefined) ?? '');
  if (!ok(exchange.get)) fail(`Could not fetch credentials from AWS Provisioner: ${describe(exchange.get)}`);
  if (!ok(exchange.remove)) fail(`Could not delete credentials for worker in AWS Provisioner: ${describe(exchange.remove)}`);
  const secret = decoded(fail, 'getSecret', () => checkSecretResponse(jsonBody(exchange.get.text, 'getSecret'), Date.now()));
  const skipConfig = !strict && userData.genericWorker === undefined;
  const config = skipConfig ? {} : decoded(fail, 'Error retrieving/interpreting host setup from /data/genericWorker in AWS userdata',
    () => decodePublicHostSetup(userData.genericWorker, engine));
  let c = mergeConfig(meta, ud, secret.credentials, config);
  c = { ...c, ...(await bootstrapSecret(log, opts, secret.credentials, c, fail)) };
  validate(c, !skipConfig, fail);
  const handle: GenericWorkerHandle = {
    registeredAt: 0, workerType: String(c.workerType), provisionerId: String(c.provisionerId), workerId: String(c.workerId),
    credentials: secret.credentials, certificate: secret.certificate, deploymentId: (c.deploymentId as string | undefined) ?? '',
    checks: [], deploymentIdChanged: false, calls: log.calls, stop: () => undefined,
  };
  const provisioner = (c.provisionerBaseURL as string) || provisionerUrlFromRoot(String(c.rootURL));
  return keepWorking(log, `${provisioner}/worker-type/${segment(handle.workerType)}`, handle, engine, opts.checkIntervalMs ?? 1800_000, fail);
}

/**
 * The work loop's deploymentId check: at once (the last check time starts at zero), then every
 * `intervalMs` until stopped or until it sees a new deploymentId.
 */
async function keepWorking(log: CallLog, url: string, handle: GenericWorkerHandle, engine: GenericWorkerEngine, intervalMs: number, fail: Fail) {
  const check = () => deploymentCheck(log, url, handle, engine);
  const first = await check();
  if (first.status !== 200) fail(`the provisioner did not accept the new credentials for workerType: ${first.error ?? first.status}`);
  handle.registeredAt = Date.now();
  if (handle.deploymentIdChanged) return handle;
  const stop = every(intervalMs, async () => {
    await check();
    if (handle.deploymentIdChanged) stop();
  });
  handle.stop = stop;
  return handle;
}

/**
 * One `workerType` call. A failed call or a definition whose userData does not decode is logged
 * and ignored, as v16 does ("not shutting down as in such a case, that would kill entire pool").
 */
async function deploymentCheck(log: CallLog, url: string, handle: GenericWorkerHandle, engine: GenericWorkerEngine) {
  const reply = await goProvisionerCall(log, 'workerType', 'GET', url, handle.credentials);
  const entry: GenericWorkerHandle['checks'][number] = { at: Date.now(), ...(reply.status !== undefined && { status: reply.status }) };
  handle.checks.push(entry);
  if (reply.status !== 200) {
    entry.error = describe(reply);
    return entry;
  }
  try {
    const body = jsonBody(reply.text, 'workerType') as { userData?: unknown } | null;
    entry.deploymentId = deploymentIdOf(body?.userData ?? null, engine);
    if (entry.deploymentId !== handle.deploymentId) handle.deploymentIdChanged = true;
  } catch (err) {
    entry.error = `userData of the worker type does not decode: ${(err as Error).message}`;
  }
  return entry;
}
