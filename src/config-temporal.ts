// The Temporal part of the configuration, read the way Temporal's own tools read it
// (@temporalio/envconfig): a profile of a TOML file (TEMPORAL_CONFIG_FILE, else
// ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE, else `default`), overridden by
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS* and
// TEMPORAL_GRPC_META_*. Called by ./config.ts only, with the environment it was given.
//
// Contract: every bad value is a problem that names its setting (or the file and profile it
// came from); certificate and key files are read and checked here, at start, so a missing
// or mismatched file stops the process before it connects. Problems never quote a key, an
// API key or certificate data.
import fs from 'node:fs';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';

type Env = Record<string, string | undefined>;

export interface TemporalSettings {
  /** host:port of the frontend; unset only in dev mode, which then starts a local dev server. */
  address: string | undefined;
  namespace: string;
  /** TLS settings (certificates already read); `true` means TLS with the system's CAs; unset means plain. */
  tls: TLSConfig | boolean | undefined;
  /** Sent as `authorization: Bearer <key>`; never logged. */
  apiKey: string | undefined;
  /** Extra gRPC headers (TEMPORAL_GRPC_META_<NAME> or the profile's grpc_meta). */
  metadata: Record<string, string> | undefined;
}

/** Locations of the default config file (envconfig looks at these) besides the TEMPORAL_* settings. */
const FILE_LOCATION_VARS = ['HOME', 'XDG_CONFIG_HOME', 'APPDATA'];
const BOOLEAN = /^(1|true|0|false)$/;
const ADDRESS = /^([^\s:/[\]]+|\[[0-9a-fA-F:.]+\]):\d{1,5}$/;

/** Each TLS file setting: its env prefix and its TOML key, as envconfig names them. */
const TLS_FILES = [
  { field: 'clientCert', env: 'TEMPORAL_TLS_CLIENT_CERT', toml: 'client_cert' },
  { field: 'clientKey', env: 'TEMPORAL_TLS_CLIENT_KEY', toml: 'client_key' },
  { field: 'serverCACert', env: 'TEMPORAL_TLS_SERVER_CA_CERT', toml: 'server_ca_cert' },
] as const;

export function parseTemporal(env: Env, requireAddress: boolean, problems: string[]): TemporalSettings {
  const vars = temporalVars(env);
  const start = problems.length;
  const profile = loadProfile(vars, problems);
  for (const name of ['TEMPORAL_TLS', 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION']) {
    if (vars[name] !== undefined && !BOOLEAN.test(vars[name])) problems.push(`${name} must be true or false (got "${vars[name]}")`);
  }
  if (vars.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === 'true' || vars.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === '1') {
    problems.push('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION is not supported: set TEMPORAL_TLS_SERVER_NAME to a name in the server\'s certificate instead');
  }
  const where = (setting: string, toml: string) => (vars[setting] !== undefined ? setting : `${toml} of ${profileName(vars)}`);
  const address = profile?.address;
  if (address !== undefined && !ADDRESS.test(address)) {
    problems.push(`${where('TEMPORAL_ADDRESS', 'address')} must be host:port of the Temporal frontend, without a scheme (got "${address}")`);
  } else if (address === undefined && requireAddress) {
    problems.push('TEMPORAL_ADDRESS is required (host:port of the Temporal frontend), or a TEMPORAL_PROFILE whose address is set');
  }
  if (profile?.namespace === '') problems.push(`${where('TEMPORAL_NAMESPACE', 'namespace')} must not be empty`);
  if (profile?.apiKey === '') problems.push(`${where('TEMPORAL_API_KEY', 'api_key')} must not be empty`);
  if (profile) checkTls(profile, vars, problems);
  const settings: TemporalSettings = { address, namespace: profile?.namespace || 'default', tls: undefined, apiKey: profile?.apiKey, metadata: undefined };
  if (!profile || problems.length > start) return settings;
  const { connectionOptions } = toClientOptions(profile);
  return { ...settings, tls: connectionOptions.tls ?? undefined, metadata: profile.grpcMeta };
}

/** The TEMPORAL_* settings that are set (empty means unset, as everywhere in ./config.ts). */
function temporalVars(env: Env): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '' && (name.startsWith('TEMPORAL_') || FILE_LOCATION_VARS.includes(name))) vars[name] = value;
  }
  return vars;
}

function profileName(vars: Record<string, string>): string {
  const file = vars.TEMPORAL_CONFIG_FILE ?? 'the default Temporal config file';
  return `profile "${vars.TEMPORAL_PROFILE ?? 'default'}" in ${file}`;
}

function loadProfile(vars: Record<string, string>, problems: string[]): ClientConfigProfile | undefined {
  const file = vars.TEMPORAL_CONFIG_FILE;
  if (file !== undefined && !isReadableFile(file)) {
    problems.push(`TEMPORAL_CONFIG_FILE ${file} is not a readable file`);
    return undefined;
  }
  try {
    return loadClientConfigProfile({ overrideEnvVars: vars, configFileStrict: true });
  } catch (err) {
    problems.push(profileProblem(err instanceof Error ? err.message : String(err), vars));
    return undefined;
  }
}

/** envconfig's messages, said with the setting they are about. */
function profileProblem(message: string, vars: Record<string, string>): string {
  const file = vars.TEMPORAL_CONFIG_FILE ?? 'the default Temporal config file';
  if (/^Profile '.*' not found/.test(message)) return `TEMPORAL_PROFILE "${vars.TEMPORAL_PROFILE}" is not a profile in ${file}`;
  const both = /^Cannot specify both (\w+)_path and \w+_data/.exec(message);
  const tlsFile = TLS_FILES.find((f) => f.toml === both?.[1]);
  if (tlsFile) return `${tlsFile.env}_PATH and ${tlsFile.env}_DATA (or ${tlsFile.toml}_path and ${tlsFile.toml}_data) are both set: set one`;
  return `TEMPORAL_CONFIG_FILE ${file} cannot be used: ${message.slice(0, 200)}`;
}

function isReadableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Reads each certificate and key, checks it parses and that the key belongs to the certificate. */
function checkTls(profile: ClientConfigProfile, vars: Record<string, string>, problems: string[]): void {
  const tls = profile.tls;
  if (!tls || tls.disabled) return;
  const nameOf = (f: (typeof TLS_FILES)[number], source: ConfigDataSource) => {
    const kind = 'path' in source ? 'PATH' : 'DATA';
    return vars[`${f.env}_${kind}`] !== undefined ? `${f.env}_${kind}` : `tls.${f.toml}_${kind.toLowerCase()} of ${profileName(vars)}`;
  };
  const read = (f: (typeof TLS_FILES)[number]): { name: string; data: Buffer } | undefined => {
    const source = tls[f.field];
    if (!source) return undefined;
    const name = nameOf(f, source);
    if ('data' in source) return { name, data: Buffer.from(source.data) };
    if (!isReadableFile(source.path)) {
      problems.push(`${name}: ${source.path} is not a readable file`);
      return undefined;
    }
    return { name, data: fs.readFileSync(source.path) };
  };
  const [cert, key, ca] = TLS_FILES.map(read);
  if (tls.clientCert && !tls.clientKey) problems.push('TEMPORAL_TLS_CLIENT_CERT_* is set without TEMPORAL_TLS_CLIENT_KEY_*: a client certificate needs its key');
  if (tls.clientKey && !tls.clientCert) problems.push('TEMPORAL_TLS_CLIENT_KEY_* is set without TEMPORAL_TLS_CLIENT_CERT_*: a client key needs its certificate');
  const certificate = cert && parse(cert, 'a PEM certificate', (d) => new X509Certificate(d), problems);
  const privateKey = key && parse(key, 'a PEM private key', (d) => createPrivateKey(d), problems);
  if (ca) parse(ca, 'a PEM CA certificate', (d) => new X509Certificate(d), problems);
  if (certificate && privateKey && !certificate.checkPrivateKey(privateKey as KeyObject)) {
    problems.push(`${key!.name} is not the private key of the certificate in ${cert!.name}`);
  }
}

function parse<T>(input: { name: string; data: Buffer }, what: string, fn: (data: Buffer) => T, problems: string[]): T | undefined {
  try {
    return fn(input.data);
  } catch {
    problems.push(`${input.name} is not ${what}`);
    return undefined;
  }
}
