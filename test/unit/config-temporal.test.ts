// The Temporal settings, read as Temporal's own tools read them (@temporalio/envconfig): the
// TEMPORAL_* variables over a profile of a TOML file. Every bad value is a problem that names
// its setting, found at start; no problem quotes a key or an API key.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';

const KEY = Buffer.alloc(32, 1).toString('base64');
const API_KEY = 'api-key-that-must-never-be-quoted';
const base = {
  DATABASE_URL: 'postgresql://u:p@db:5432/provisioner', ROOT_ACCESS_TOKEN: 'r'.repeat(30), SECRETS_KEY: KEY,
  TASKCLUSTER_ROOT_URL: 'https://tc.example.com',
};

// Made when the file loads: the case table below names these paths.
const certs: TestCertificates = makeTestCertificates();
const configFile = path.join(certs.dir, 'temporal.toml');
fs.writeFileSync(configFile, [
  '[profile.default]', 'address = "default-host:7233"', '',
  '[profile.prod]', 'address = "prod.tmprl.cloud:7233"', 'namespace = "prod-ns"', `api_key = "${API_KEY}"`, '',
  '[profile.prod.tls]', `client_cert_path = "${certs.clientCert}"`, `client_key_path = "${certs.clientKey}"`,
  `server_ca_cert_path = "${certs.caCert}"`, 'server_name = "prod.internal"', '',
].join('\n'));

afterAll(() => certs.remove());

function problems(env: Record<string, string>, mode: 'production' | 'dev' = 'production'): string[] {
  try {
    loadConfig({ ...base, ...env }, mode);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

test('an address alone is a plain connection to the default namespace', () => {
  expect(loadConfig({ ...base, TEMPORAL_ADDRESS: 'temporal:7233' }).temporal).toEqual({
    address: 'temporal:7233', namespace: 'default', tls: undefined, apiKey: undefined, metadata: undefined,
  });
});

test('an API key turns TLS on with the system CAs, as Temporal Cloud needs', () => {
  const { temporal } = loadConfig({ ...base, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: API_KEY });
  expect(temporal).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: API_KEY, tls: true });
});

test('client certificate, key, server CA and server name are read from their files at start', () => {
  const { temporal } = loadConfig({
    ...base, TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert, TEMPORAL_TLS_SERVER_NAME: 'localhost', TEMPORAL_GRPC_META_X_TENANT: 'tc',
  });
  expect(temporal.tls).toEqual({
    serverNameOverride: 'localhost', serverRootCACertificate: new Uint8Array(fs.readFileSync(certs.caCert)),
    clientCertPair: { crt: new Uint8Array(fs.readFileSync(certs.clientCert)), key: new Uint8Array(fs.readFileSync(certs.clientKey)) },
  });
  expect(temporal.metadata).toEqual({ 'x-tenant': 'tc' });
});

test('the same material can be given inline (*_DATA)', () => {
  const { temporal } = loadConfig({
    ...base, TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_TLS_CLIENT_CERT_DATA: fs.readFileSync(certs.clientCert, 'utf8'),
    TEMPORAL_TLS_CLIENT_KEY_DATA: fs.readFileSync(certs.clientKey, 'utf8'),
  });
  expect(temporal.tls).toMatchObject({ clientCertPair: { crt: expect.any(Uint8Array), key: expect.any(Uint8Array) } });
});

test('a profile of TEMPORAL_CONFIG_FILE gives every setting; TEMPORAL_* variables override it', () => {
  const prod = loadConfig({ ...base, TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'prod' }).temporal;
  expect(prod).toMatchObject({ address: 'prod.tmprl.cloud:7233', namespace: 'prod-ns', apiKey: API_KEY, tls: { serverNameOverride: 'prod.internal' } });
  const overridden = loadConfig({ ...base, TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other' }).temporal;
  expect(overridden.namespace).toBe('other');
  expect(loadConfig({ ...base, TEMPORAL_CONFIG_FILE: configFile }).temporal.address).toBe('default-host:7233');
});

test('dev mode needs no address (it starts a local dev server); production does', () => {
  expect(problems({}, 'dev')).toEqual([]);
  expect(problems({}).join('\n')).toContain('TEMPORAL_ADDRESS is required');
});

const cases: Array<[string, () => Record<string, string>, string]> = [
  ['an address with a scheme', () => ({ TEMPORAL_ADDRESS: 'https://temporal:7233' }), 'TEMPORAL_ADDRESS must be host:port of the Temporal frontend, without a scheme (got "https://temporal:7233")'],
  ['an address without a port', () => ({ TEMPORAL_ADDRESS: 'temporal' }), 'TEMPORAL_ADDRESS must be host:port'],
  ['a config file that does not exist', () => ({ TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' }), 'TEMPORAL_CONFIG_FILE /nonexistent/temporal.toml is not a readable file'],
  ['a profile not in the file', () => ({ TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'staging' }), `TEMPORAL_PROFILE "staging" is not a profile in ${configFile}`],
  ['a file that is not TOML', () => ({ TEMPORAL_CONFIG_FILE: certs.caCert }), `TEMPORAL_CONFIG_FILE ${certs.caCert} cannot be used:`],
  ['a client certificate file that does not exist', () => ({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/client.crt', TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey }),
    'TEMPORAL_TLS_CLIENT_CERT_PATH: /nonexistent/client.crt is not a readable file'],
  ['a server CA file that does not exist', () => ({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nonexistent/ca.crt' }), 'TEMPORAL_TLS_SERVER_CA_CERT_PATH: /nonexistent/ca.crt is not a readable file'],
  ['a certificate without its key', () => ({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert }), 'TEMPORAL_TLS_CLIENT_CERT_* is set without TEMPORAL_TLS_CLIENT_KEY_*'],
  ['a key without its certificate', () => ({ TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey }), 'TEMPORAL_TLS_CLIENT_KEY_* is set without TEMPORAL_TLS_CLIENT_CERT_*'],
  ['a key of another certificate', () => ({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.strangerKey }),
    'TEMPORAL_TLS_CLIENT_KEY_PATH is not the private key of the certificate in TEMPORAL_TLS_CLIENT_CERT_PATH'],
  ['a certificate that is not PEM', () => ({ TEMPORAL_TLS_CLIENT_CERT_DATA: 'not a certificate', TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey }),
    'TEMPORAL_TLS_CLIENT_CERT_DATA is not a PEM certificate'],
  ['a key that is not PEM', () => ({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_DATA: API_KEY }),
    'TEMPORAL_TLS_CLIENT_KEY_DATA is not a PEM private key'],
  ['a CA that is not PEM', () => ({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.clientKey }), 'TEMPORAL_TLS_SERVER_CA_CERT_PATH is not a PEM CA certificate'],
  ['both a path and data', () => ({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert, TEMPORAL_TLS_SERVER_CA_CERT_DATA: fs.readFileSync(certs.caCert, 'utf8') }),
    'TEMPORAL_TLS_SERVER_CA_CERT_PATH and TEMPORAL_TLS_SERVER_CA_CERT_DATA (or server_ca_cert_path and server_ca_cert_data) are both set'],
  ['TEMPORAL_TLS that is not a boolean', () => ({ TEMPORAL_TLS: 'yes please' }), 'TEMPORAL_TLS must be true or false (got "yes please")'],
  ['host verification turned off', () => ({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' }), 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION is not supported'],
  ['a profile whose certificate file is missing', () => {
    const file = path.join(certs.dir, 'broken.toml');
    fs.writeFileSync(file, `[profile.default]\naddress = "h:1"\n[profile.default.tls]\nclient_cert_path = "/nonexistent/c.crt"\nclient_key_path = "${certs.clientKey}"\n`);
    return { TEMPORAL_CONFIG_FILE: file };
  }, 'tls.client_cert_path of profile "default" in '],
];

test.each(cases)('%s is a startup error that names it', (_case, env, message) => {
  const found = problems({ TEMPORAL_ADDRESS: '127.0.0.1:7233', ...env() }).join('\n');
  expect(found).toContain(message);
  expect(found).not.toContain(API_KEY);
  expect(found).not.toContain('PRIVATE KEY');
});
