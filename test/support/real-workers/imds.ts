// A local EC2 instance metadata service (IMDSv1, plain GETs) for one instance, answering from
// what moto holds, so the worker simulators read what a real instance would. Every request is
// answered from a fresh DescribeInstances/DescribeInstanceAttribute, never from a snapshot.
// Unknown paths and `meta-data/spot/termination-time` (no interruption scheduled) answer 404,
// as the real service does; user-data answers 404 when the instance has none.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';

export interface InstanceFacts {
  instanceId: string;
  instanceType: string;
  availabilityZone: string;
  amiId: string;
  privateIp: string;
  publicIp: string;
  localHostname: string;
  publicHostname: string;
  /** ISO time, for the identity document's pendingTime. */
  launchTime: string;
  /** Decoded user data (the JSON text the provisioner wrote), or null when there is none. */
  userData: string | null;
}

export interface Imds {
  url: string;
  /** Every path requested, in order (e.g. `/latest/meta-data/instance-id`). */
  requests: string[];
  /** Makes `meta-data/spot/termination-time` answer 200 with this time; null restores 404. */
  setTerminationTime(time: string | null): void;
  /** Forces a status (empty body) for one path under `/latest/`, e.g. `meta-data/public-ipv4`; null removes it. */
  override(path: string, status: number | null): void;
  stop(): Promise<void>;
}

const ACCOUNT_ID = '123456789012';

const regionOf = (zone: string): string => zone.replace(/[a-z]$/, '');

/** A public address when moto has none: the private one's host part moved into 54.0.0.0/8. */
function derivedPublicIp(privateIp: string): string {
  const [, b = '0', c = '0', d = '1'] = privateIp.split('.');
  return `54.${b}.${c}.${d}`;
}

function hostnames(region: string, privateIp: string, publicIp: string): { local: string; public: string } {
  const east = region === 'us-east-1';
  return {
    local: `ip-${privateIp.replaceAll('.', '-')}.${east ? 'ec2.internal' : `${region}.compute.internal`}`,
    public: `ec2-${publicIp.replaceAll('.', '-')}.${east ? 'compute-1' : `${region}.compute`}.amazonaws.com`,
  };
}

function factsOf(i: Instance, userData: string | null): InstanceFacts {
  const zone = i.Placement?.AvailabilityZone ?? '';
  const privateIp = i.PrivateIpAddress ?? '10.0.0.1';
  const publicIp = i.PublicIpAddress || derivedPublicIp(privateIp);
  const names = hostnames(regionOf(zone), privateIp, publicIp);
  return {
    instanceId: i.InstanceId!, instanceType: i.InstanceType ?? '', availabilityZone: zone, amiId: i.ImageId ?? '',
    privateIp, publicIp, localHostname: i.PrivateDnsName || names.local, publicHostname: i.PublicDnsName || names.public,
    launchTime: (i.LaunchTime ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'), userData,
  };
}

/** What moto holds for `instanceId`; throws when moto does not know it. */
export async function motoInstanceFacts(ec2: EC2Client, instanceId: string): Promise<InstanceFacts> {
  const [described, attribute] = await Promise.all([
    ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
    ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' })),
  ]);
  const instance = described.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
  if (!instance) throw new Error(`moto has no instance ${instanceId}`);
  const encoded = attribute.UserData?.Value;
  return factsOf(instance, encoded ? Buffer.from(encoded, 'base64').toString('utf8') : null);
}

function identityDocument(f: InstanceFacts): string {
  const doc = {
    accountId: ACCOUNT_ID, architecture: 'x86_64', availabilityZone: f.availabilityZone, billingProducts: null,
    devpayProductCodes: null, marketplaceProductCodes: null, imageId: f.amiId, instanceId: f.instanceId,
    instanceType: f.instanceType, kernelId: null, pendingTime: f.launchTime, privateIp: f.privateIp, ramdiskId: null,
    region: regionOf(f.availabilityZone), version: '2017-09-30',
  };
  return JSON.stringify(doc, null, 2);
}

/** The text served under `/latest/<path>`, or undefined for 404. */
function answer(path: string, f: InstanceFacts, terminationTime: string | null): string | undefined {
  const metaData: Record<string, string> = {
    'ami-id': f.amiId, hostname: f.localHostname, 'instance-id': f.instanceId, 'instance-type': f.instanceType,
    'local-hostname': f.localHostname, 'local-ipv4': f.privateIp, 'placement/availability-zone': f.availabilityZone,
    'placement/region': regionOf(f.availabilityZone), 'public-hostname': f.publicHostname, 'public-ipv4': f.publicIp,
  };
  if (terminationTime !== null) metaData['spot/termination-time'] = terminationTime;
  if (path === 'meta-data/' || path === 'meta-data') {
    return [...new Set(Object.keys(metaData).map((k) => k.replace(/\/.*/, '/')))].sort().join('\n');
  }
  if (path.startsWith('meta-data/')) return metaData[path.slice('meta-data/'.length)];
  if (path === 'user-data') return f.userData ?? undefined;
  if (path === 'dynamic/instance-identity/document') return identityDocument(f);
  if (path === 'dynamic/instance-identity/signature') {
    // Plausible shape only (base64, 64-character lines); it is not a real AWS signature.
    return createHash('sha512').update(identityDocument(f)).digest('base64').replace(/(.{64})/g, '$1\n');
  }
  return undefined;
}

/** The IMDS over any source of facts (tests may serve fixed ones). */
export async function startImdsServer(readFacts: () => Promise<InstanceFacts>): Promise<Imds> {
  const requests: string[] = [];
  const overrides = new Map<string, number>();
  let terminationTime: string | null = null;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://imds').pathname;
    requests.push(path);
    const reply = (status: number, body = '') => res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    if (req.method !== 'GET') return reply(405);
    if (!path.startsWith('/latest/')) return reply(404);
    const sub = path.slice('/latest/'.length);
    const forced = overrides.get(sub);
    if (forced !== undefined) return reply(forced);
    const text = answer(sub, await readFacts(), terminationTime);
    return text === undefined ? reply(404, 'Not Found') : reply(200, text);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, requests,
    setTerminationTime: (time) => { terminationTime = time; },
    override: (path, status) => { if (status === null) overrides.delete(path); else overrides.set(path, status); },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The IMDS of one moto instance. `ec2` must be a client of the instance's region. */
export function startImds(ec2: EC2Client, instanceId: string): Promise<Imds> {
  return startImdsServer(() => motoInstanceFacts(ec2, instanceId));
}
