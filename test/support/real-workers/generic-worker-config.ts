// generic-worker v16's typed view of aws-provisioner user data: the top-level struct (unknown
// keys allowed), `data.genericWorker` decoded with DisallowUnknownFields into `{config, files}`,
// and `config` into the public config struct, whose keys depend on the engine it was built for.
import { decodeStruct, type GoStruct } from './go-json';

export type GenericWorkerEngine = 'simple' | 'multiuser' | 'docker';

/** The user data struct (AWSProvisionerUserData); `data` is BootstrapConfig. */
const USER_DATA: GoStruct = {
  data: 'struct', capacity: 'int', workerType: 'string', provisionerId: 'string', region: 'string',
  availabilityZone: 'string', instanceType: 'string', spotBid: 'float64', price: 'float64',
  launchSpecGenerated: 'time', lastModified: 'time', provisionerBaseUrl: 'string', taskclusterRootUrl: 'string',
  securityToken: 'string',
};
const BOOTSTRAP_CONFIG: GoStruct = { genericWorker: 'raw' };
const HOST_SETUP: GoStruct = { config: 'struct', files: 'array' };
const PRIVATE_CONFIG: GoStruct = { accessToken: 'string', certificate: 'string', livelogSecret: 'string' };
const FILE: GoStruct = { description: 'string', path: 'string', content: 'string', encoding: 'string', format: 'string' };

/** gwconfig.PublicConfig of v16.6.1 (engine-specific fields added by `publicConfigShape`). */
const PUBLIC_CONFIG: GoStruct = {
  authBaseURL: 'string', availabilityZone: 'string', cachesDir: 'string', checkForNewDeploymentEverySecs: 'uint',
  cleanUpTaskDirs: 'bool', clientId: 'string', deploymentId: 'string', disableReboots: 'bool', downloadsDir: 'string',
  ed25519SigningKeyLocation: 'string', idleTimeoutSecs: 'uint', instanceId: 'string', instanceType: 'string',
  livelogCertificate: 'string', livelogExecutable: 'string', livelogGETPort: 'uint16', livelogKey: 'string',
  livelogPUTPort: 'uint16', numberOfTasksToRun: 'uint', privateIP: 'ip', provisionerBaseURL: 'string',
  provisionerId: 'string', publicIP: 'ip', purgeCacheBaseURL: 'string', queueBaseURL: 'string', region: 'string',
  requiredDiskSpaceMegabytes: 'uint', rootURL: 'string', runAfterUserCreation: 'string', secretsBaseURL: 'string',
  sentryProject: 'string', shutdownMachineOnIdle: 'bool', shutdownMachineOnInternalError: 'bool', subdomain: 'string',
  taskclusterProxyExecutable: 'string', taskclusterProxyPort: 'uint16', tasksDir: 'string', workerGroup: 'string',
  workerId: 'string', workerLocation: 'string', workerManagerBaseURL: 'string', workerType: 'string',
  workerTypeMetadata: 'map', wstAudience: 'string', wstServerURL: 'string',
};

function publicConfigShape(engine: GenericWorkerEngine): GoStruct {
  return engine === 'multiuser' ? { ...PUBLIC_CONFIG, runTasksAsCurrentUser: 'bool' } : PUBLIC_CONFIG;
}

export interface GenericWorkerUserData {
  /** The fields of the user data struct that were present. */
  fields: Record<string, unknown>;
  /** `data.genericWorker`, still undecoded (json.RawMessage): v16 decodes it only after the secret exchange. */
  genericWorker: unknown;
}

/** The first decode, right after reading user-data: types of the top-level fields and of `data`. Throws GoDecodeError. */
export function decodeUserData(parsed: unknown): GenericWorkerUserData {
  const fields = decodeStruct(parsed, USER_DATA, 'main.AWSProvisionerUserData');
  const data = decodeStruct(fields.data ?? null, BOOTSTRAP_CONFIG, 'main.BootstrapConfig');
  return { fields, genericWorker: data.genericWorker };
}

/** `{config, files}` with nothing else (DisallowUnknownFields), each file a fileutil.File. */
function decodeHostSetup(value: unknown, where: string): Record<string, unknown> {
  const setup = decodeStruct(value, HOST_SETUP, where, true);
  for (const [i, file] of ((setup.files ?? []) as unknown[]).entries()) decodeStruct(file, FILE, `fileutil.File[${i}]`, true);
  return setup;
}

/**
 * `data.genericWorker` as PublicHostSetup: `config` present and non-null, every key of it a
 * public config field of the right type. Throws GoDecodeError for a type or key mismatch,
 * Error with generic-worker's reason when `genericWorker` or its `config` is missing.
 */
export function decodePublicHostSetup(genericWorker: unknown, engine: GenericWorkerEngine): Record<string, unknown> {
  if (genericWorker === undefined || genericWorker === null) {
    throw new Error('No /userData/genericWorker object defined in worker type definition - cannot configure worker');
  }
  const setup = decodeHostSetup(genericWorker, 'main.PublicHostSetup');
  if (setup.config === undefined) {
    throw new Error('No /userData/genericWorker/config object defined in worker type definition - cannot configure worker');
  }
  return decodeStruct(setup.config, publicConfigShape(engine), 'gwconfig.PublicConfig', true);
}

/** The secret `worker-type:<provisionerId>/<workerType>` as PrivateHostSetup; throws GoDecodeError. */
export function decodePrivateHostSetup(secret: unknown): Record<string, unknown> {
  const setup = decodeHostSetup(secret, 'main.PrivateHostSetup');
  return decodeStruct(setup.config ?? null, PRIVATE_CONFIG, 'gwconfig.PrivateConfig', true);
}

/** `deploymentId` of a worker type definition's `userData`, as the 30-minute check reads it; throws when it would not decode. */
export function deploymentIdOf(workerTypeUserData: unknown, engine: GenericWorkerEngine): string {
  const data = decodeStruct(workerTypeUserData, BOOTSTRAP_CONFIG, 'main.BootstrapConfig');
  const config = decodePublicHostSetup(data.genericWorker, engine);
  return (config.deploymentId as string | undefined) ?? '';
}
