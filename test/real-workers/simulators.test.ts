// The worker simulators against a tiny stand-in provisioner (one-time secrets, credentials
// verified by our own Hawk authenticator) and a fixed IMDS, then the IMDS server against moto.
// Checks the order of calls per profile, where each finds the provisioner, what each rejects.
import { randomUUID } from 'node:crypto';
import { DescribeImagesCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { eventually } from '../support/eventually';
import { MOTO_URL_ENV } from '../support/global-services';
import * as dockerWorker from '../support/real-workers/docker-worker';
import * as genericWorker from '../support/real-workers/generic-worker';
import { startImds, startImdsServer, type Imds, type InstanceFacts } from '../support/real-workers/imds';
import { STAND_IN_PROVISIONER_ID, startStandInProvisioner, type StandInProvisioner } from '../support/real-workers/stand-in-provisioner';
import { BootFailure, timeline, type Call, type SecretsService } from '../support/real-workers/wire';
import * as workerRunner from '../support/real-workers/worker-runner';

const WT = 'sim-builder';
const DEAD = 'http://127.0.0.1:9'; // discard port: nothing listens

let p: StandInProvisioner;
beforeEach(async () => { p = await startStandInProvisioner(WT); });
afterEach(async () => { await p.stop(); });

/** aws-provisioner's user data for a generic-worker, each field of its documented type. */
function userData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    availabilityZone: 'us-west-2a', capacity: 1, instanceType: 'c5.xlarge', lastModified: '2024-05-01T10:00:00.000Z',
    launchSpecGenerated: '2024-05-01T10:05:00.000Z', price: 0.1, provisionerBaseUrl: `${p.url}/v1`, provisionerId: STAND_IN_PROVISIONER_ID,
    region: 'us-west-2', securityToken: p.addSecret(), spotBid: 0.2, taskclusterRootUrl: p.url, workerType: WT,
    data: { genericWorker: { config: { deploymentId: 'd1', ed25519SigningKeyLocation: '/etc/generic-worker/ed25519_key' } } },
    ...overrides,
  };
}

const facts = (ud: unknown): InstanceFacts => ({
  instanceId: 'i-0123456789abcdef0', instanceType: 'c5.xlarge', availabilityZone: 'us-west-2a', amiId: 'ami-0123456789abcdef0',
  privateIp: '10.0.0.5', publicIp: '54.0.0.5', localHostname: 'ip-10-0-0-5.us-west-2.compute.internal',
  publicHostname: 'ec2-54-0-0-5.us-west-2.compute.amazonaws.com', launchTime: '2024-05-01T10:06:00Z', userData: JSON.stringify(ud),
});

const imdsList: Imds[] = [];
afterEach(async () => { await Promise.all(imdsList.splice(0).map((i) => i.stop())); });
async function imdsFor(ud: unknown): Promise<Imds> {
  const imds = await startImdsServer(async () => facts(ud));
  imdsList.push(imds);
  return imds;
}

/** Boots and expects a BootFailure; returns it. */
async function failure(boot: Promise<unknown>): Promise<BootFailure> {
  const err = await boot.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof BootFailure)) throw new Error(`expected a BootFailure, got ${String(err)}`);
  return err;
}
const what = (calls: Call[]) => calls.map((c) => c.what);
const noInstanceStarted = () => expect(p.requests.filter((r) => r.includes('instance-started'))).toEqual([]);
const sec = (path: string) => `/latest/${path}`;

type Profile = 'docker-worker-2017' | 'docker-worker-2019' | 'generic-worker' | 'worker-runner';
const bootProfile = (profile: Profile, imdsUrl: string, extra: { secretsService?: SecretsService } = {}): Promise<{ calls: Call[]; stop(): void }> => {
  if (profile === 'generic-worker') return genericWorker.boot({ imdsUrl, ...extra });
  if (profile === 'worker-runner') return workerRunner.boot({ imdsUrl, ...extra });
  return dockerWorker.boot({ imdsUrl, profile, ...extra });
};

const meta = (...names: string[]) => names.map((x) => `meta-data/${x}`);
const DOCKER_IMDS = [...meta('public-hostname', 'public-ipv4', 'local-ipv4', 'instance-id', 'placement/availability-zone', 'instance-type'), 'user-data'];
/** getSecret, removeSecret, then the signed workerType call, all under `prefix`. */
const exchange = (prefix: string) => (t: string) => [`GET ${prefix}/secret/${t}`, `DELETE ${prefix}/secret/${t}`, `GET ${prefix}/worker-type/${WT}`];
const EXPECTED: Record<Profile, { imds: string[]; provisioner: (token: string) => string[] }> = {
  'docker-worker-2017': { imds: DOCKER_IMDS, provisioner: exchange('/v1') },
  'docker-worker-2019': { imds: DOCKER_IMDS, provisioner: exchange('/api/aws-provisioner/v1') },
  'generic-worker': {
    imds: ['user-data', ...meta('public-ipv4', 'public-hostname'), 'dynamic/instance-identity/signature', 'dynamic/instance-identity/document', 'user-data'],
    provisioner: exchange('/v1'),
  },
  'worker-runner': {
    imds: [...meta('spot/termination-time'), 'user-data', ...meta('ami-id', 'instance-id', 'instance-type', 'public-ipv4', 'placement/availability-zone', 'public-hostname', 'local-ipv4')],
    provisioner: exchange('/api/aws-provisioner/v1'),
  },
};

describe.each(Object.keys(EXPECTED) as Profile[])('%s', (profile) => {
  test('reads IMDS and calls the provisioner in its documented order, never instanceStarted', async () => {
    // The base URL the root-URL-only profiles must ignore points nowhere; generic-worker and 2017 get a dead root URL instead.
    const rootOnly = profile === 'docker-worker-2019' || profile === 'worker-runner';
    const ud = userData(rootOnly ? { provisionerBaseUrl: DEAD } : { taskclusterRootUrl: DEAD });
    const imds = await imdsFor(ud);
    const handle = await bootProfile(profile, imds.url);
    handle.stop();
    expect(imds.requests).toEqual(EXPECTED[profile].imds.map(sec));
    expect(p.requests).toEqual(EXPECTED[profile].provisioner(ud.securityToken as string));
    expect(handle.calls.filter((c) => c.what.startsWith('provisioner')).map((c) => c.status)).toEqual([200, 204, 200]);
    noInstanceStarted();
  });

  test('a second boot with the same token fails: the secret was consumed', async () => {
    const ud = userData();
    (await bootProfile(profile, (await imdsFor(ud)).url)).stop();
    const err = await failure(bootProfile(profile, (await imdsFor(ud)).url));
    const removes = what(err.calls).filter((w) => w === 'provisioner removeSecret');
    // generic-worker and worker-runner remove the secret even when getSecret failed; docker-worker shuts down.
    expect(removes).toHaveLength(profile.startsWith('docker-worker') ? 0 : 1);
    expect(err.shutdown).toBe(profile.startsWith('docker-worker'));
    noInstanceStarted();
  });

  test('credentials that do not verify fail the boot (negative control of the signed call)', async () => {
    p.signWith = 'not-the-issuer-token';
    const err = await failure(bootProfile(profile, (await imdsFor(userData())).url));
    expect(err.calls.at(-1)).toMatchObject({ what: 'provisioner workerType', status: 401 });
  });
});

test('docker-worker-2019 without taskclusterRootUrl shuts down before any provisioner call', async () => {
  const err = await failure(dockerWorker.boot({ imdsUrl: (await imdsFor(userData({ taskclusterRootUrl: undefined }))).url, profile: 'docker-worker-2019' }));
  expect(err.shutdown).toBe(true);
  expect(p.requests).toEqual([]);
});

test('worker-runner without taskclusterRootUrl fails, reaching no provisioner', async () => {
  const err = await failure(workerRunner.boot({ imdsUrl: (await imdsFor(userData({ taskclusterRootUrl: '' }))).url }));
  expect(what(err.calls)).toEqual(['imds meta-data/spot/termination-time', 'imds user-data', 'provisioner getSecret', 'provisioner removeSecret']);
  expect(err.calls.slice(2).map((c) => c.status)).toEqual([undefined, undefined]);
  expect(p.requests).toEqual([]);
});

test.each([
  ['capacity "2"', { capacity: '2' }], ['capacity 1.5', { capacity: 1.5 }], ['spotBid as a string', { spotBid: '0.2' }],
  ['lastModified not RFC 3339', { lastModified: '2024-05-01 10:00' }], ['workerType a number', { workerType: 7 }],
  ['data an array', { data: [] }],
])('generic-worker rejects user data with %s before calling the provisioner', async (_name, overrides) => {
  const err = await failure(genericWorker.boot({ imdsUrl: (await imdsFor(userData(overrides))).url }));
  expect(err.message).toMatch(/AWSProvisionerUserData|BootstrapConfig/);
  expect(p.requests).toEqual([]);
});

test.each([
  ['no data.genericWorker', { data: {} }, /No \/userData\/genericWorker object/],
  ['an unknown config key', { data: { genericWorker: { config: { deploymentId: 'd1', ed25519SigningKeyLocation: 'k', colour: 'red' } } } }, /unknown field "colour"/],
  ['no signing key', { data: { genericWorker: { config: { deploymentId: 'd1' } } } }, /ed25519SigningKeyLocation/],
])('generic-worker (strict) consumes the secret, then fails on %s', async (_name, overrides, reason) => {
  const err = await failure(genericWorker.boot({ imdsUrl: (await imdsFor(userData(overrides))).url }));
  expect(err.message).toMatch(reason);
  expect(what(err.calls)).toContain('provisioner removeSecret');
});

test('generic-worker with strictConfig false accepts user data without data.genericWorker', async () => {
  const handle = await genericWorker.boot({ imdsUrl: (await imdsFor(userData({ data: { dockerConfig: {} } }))).url, strictConfig: false });
  handle.stop();
  expect(handle.workerType).toBe(WT);
});

test('generic-worker needs every IMDS read; docker-worker only the availability zone', async () => {
  const gwImds = await imdsFor(userData());
  gwImds.override('meta-data/public-hostname', 404);
  await failure(genericWorker.boot({ imdsUrl: gwImds.url }));
  expect(p.requests).toEqual([]);
  const dwImds = await imdsFor(userData());
  dwImds.override('meta-data/public-hostname', 404);
  (await dockerWorker.boot({ imdsUrl: dwImds.url, profile: 'docker-worker-2017' })).stop();
  dwImds.override('meta-data/placement/availability-zone', 404);
  const err = await failure(dockerWorker.boot({ imdsUrl: dwImds.url, profile: 'docker-worker-2017' }));
  expect(err.message).toMatch(/availability-zone/);
});

test('worker-runner will not start on an instance whose spot termination is scheduled', async () => {
  const imds = await imdsFor(userData());
  imds.setTerminationTime('2024-05-01T11:00:00Z');
  const err = await failure(workerRunner.boot({ imdsUrl: imds.url }));
  expect(what(err.calls)).toEqual(['imds meta-data/spot/termination-time']);
});

test('worker-runner decodes capacity as a Go int; docker-worker needs a positive integer once it has its credentials', async () => {
  await failure(workerRunner.boot({ imdsUrl: (await imdsFor(userData({ capacity: '2' }))).url }));
  expect(p.requests).toEqual([]);
  const err = await failure(dockerWorker.boot({ imdsUrl: (await imdsFor(userData({ capacity: 0 }))).url, profile: 'docker-worker-2017' }));
  expect(err.message).toMatch(/capacity 0/);
  expect(what(err.calls)).toContain('provisioner removeSecret');
});

test.each([
  ['docker-worker-2019', 404, false], ['generic-worker', 404, true], ['generic-worker', 500, false],
  ['worker-runner', 404, true], ['worker-runner', 403, false],
] as const)('%s with a secrets service answering %i: boots %s', async (profile, status, boots) => {
  const names: string[] = [];
  // worker-runner tolerates 403 only for the worker-type: name, so a 403 for both names fails it.
  const secretsService = async (_creds: unknown, name: string) => { names.push(name); return { status }; };
  const boot = bootProfile(profile, (await imdsFor(userData())).url, { secretsService });
  if (boots) (await boot).stop(); else await failure(boot);
  const pool = `${STAND_IN_PROVISIONER_ID}/${WT}`;
  expect(names).toEqual(profile === 'worker-runner' ? [`worker-type:${pool}`, `worker-pool:${pool}`] : [`worker-type:${pool}`]);
});

test('generic-worker repeats workerType with its credentials and notices a new deploymentId', async () => {
  const handle = await genericWorker.boot({ imdsUrl: (await imdsFor(userData())).url, checkIntervalMs: 50 });
  try {
    await eventually(async () => handle.checks.length >= 3, 'three deploymentId checks', 5000, 20);
    expect(handle.deploymentIdChanged).toBe(false);
    p.deploymentId = 'd2';
    await eventually(async () => handle.deploymentIdChanged, 'the new deploymentId noticed', 5000, 20);
    expect(handle.checks.every((c) => c.status === 200)).toBe(true);
  } finally {
    handle.stop();
    if (!handle.deploymentIdChanged) console.log(timeline(handle.calls));
  }
});

describe('IMDS from moto', () => {
  let ec2: EC2Client;
  let ami: string;
  const launched: string[] = [];
  beforeAll(async () => {
    ec2 = new EC2Client({ region: 'us-west-2', endpoint: process.env[MOTO_URL_ENV], credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    ami = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0]!.ImageId!;
  });
  afterAll(async () => {
    if (launched.length) await ec2.send(new TerminateInstancesCommand({ InstanceIds: launched }));
    ec2?.destroy();
  });
  /** RunInstances straight to moto, with `ud` as base64 JSON user data, as the provisioner writes it. */
  async function launch(ud: unknown): Promise<string> {
    const run = await ec2.send(new RunInstancesCommand({
      ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: 'c5.xlarge',
      UserData: Buffer.from(JSON.stringify(ud)).toString('base64'),
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Owner', Value: `sim-${randomUUID()}` }] }],
    }));
    launched.push(run.Instances![0]!.InstanceId!);
    return launched.at(-1)!;
  }
  async function imdsOf(instanceId: string): Promise<Imds> {
    const imds = await startImds(ec2, instanceId);
    imdsList.push(imds);
    return imds;
  }

  test('serves what moto holds, 404 for termination-time and unknown paths, and records every path', async () => {
    const ud = { workerType: WT, capacity: 2, securityToken: 'tok', taskclusterRootUrl: 'http://root.example' };
    const instanceId = await launch(ud);
    const imds = await imdsOf(instanceId);
    const get = async (path: string) => { const r = await fetch(`${imds.url}/latest/${path}`); return { status: r.status, text: await r.text() }; };
    expect(await get('meta-data/instance-id')).toEqual({ status: 200, text: instanceId });
    expect((await get('meta-data/instance-type')).text).toBe('c5.xlarge');
    expect((await get('meta-data/placement/availability-zone')).text).toMatch(/^us-west-2[a-z]$/);
    expect((await get('meta-data/public-ipv4')).text).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(JSON.parse((await get('user-data')).text)).toEqual(ud);
    const doc = JSON.parse((await get('dynamic/instance-identity/document')).text);
    expect(doc).toMatchObject({ instanceId, instanceType: 'c5.xlarge', region: 'us-west-2' });
    expect((await get('dynamic/instance-identity/signature')).text).toMatch(/^[A-Za-z0-9+/=\n]+$/);
    expect((await get('meta-data/spot/termination-time')).status).toBe(404);
    expect((await get('meta-data/no-such-thing')).status).toBe(404);
    expect(imds.requests).toEqual([
      ...meta('instance-id', 'instance-type', 'placement/availability-zone', 'public-ipv4'), 'user-data', 'dynamic/instance-identity/document',
      'dynamic/instance-identity/signature', ...meta('spot/termination-time', 'no-such-thing'),
    ].map(sec));
  });

  test('generic-worker and worker-runner boot from a moto instance', async () => {
    const gwInstance = await launch(userData());
    const gw = await genericWorker.boot({ imdsUrl: (await imdsOf(gwInstance)).url });
    gw.stop();
    expect(gw.workerId).toBe(gwInstance);
    const wrInstance = await launch(userData());
    const wr = await workerRunner.boot({ imdsUrl: (await imdsOf(wrInstance)).url });
    wr.stop();
    expect(wr).toMatchObject({ workerId: wrInstance, workerGroup: 'us-west-2', workerPoolId: `${STAND_IN_PROVISIONER_ID}/${WT}` });
  });
});
