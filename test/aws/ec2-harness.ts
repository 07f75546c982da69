// The EC2 test setup of this folder: a moto server, the strict proxy in front of it, and the
// gateway under test talking to the proxy. `direct` clients reach moto without the proxy,
// so reading results back neither shows in the proxy's counts nor meets injected faults.
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { createEc2Clients, type Ec2Clients } from '../../src/aws/ec2-clients';
import { createEc2Gateway, type Ec2Gateway } from '../../src/aws/ec2-gateway';
import { startMoto, type MotoServer } from '../../src/dev/moto-server';
import { startEc2Proxy, type Ec2Proxy } from '../support/ec2-proxy';

/** The first run installs moto from PyPI (about 20 to 40 s); later runs start it in under a second. */
export const MOTO_SETUP_TIMEOUT_MS = 240_000;

export const REGION = 'us-west-2';

const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface Ec2TestEnv {
  moto: MotoServer;
  proxy: Ec2Proxy;
  clients: Ec2Clients;
  gateway: Ec2Gateway;
  /** A client of `region` that talks to moto directly. */
  direct(region?: string): EC2Client;
  close(): Promise<void>;
}

export interface Ec2TestEnvOptions {
  pageSize?: number;
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

export async function startEc2TestEnv(options: Ec2TestEnvOptions = {}): Promise<Ec2TestEnv> {
  const moto = await startMoto();
  let proxy: Ec2Proxy;
  try {
    proxy = await startEc2Proxy(moto.url);
  } catch (err) {
    await moto.stop();
    throw err;
  }
  const clients = createEc2Clients({
    endpoint: proxy.url, credentials: CREDENTIALS, maxAttempts: options.maxAttempts ?? 2,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const directClients = createEc2Clients({ endpoint: moto.url, credentials: CREDENTIALS, maxAttempts: 1 });
  return {
    moto,
    proxy,
    clients,
    gateway: createEc2Gateway(clients, { pageSize: options.pageSize }),
    direct: (region = REGION) => directClients.forRegion(region),
    close: async () => {
      clients.destroy();
      directClients.destroy();
      await proxy.close();
      await moto.stop();
    },
  };
}

/** A Linux AMI among moto's built-in Amazon images of the region. */
export async function builtInLinuxImage(client: EC2Client): Promise<string> {
  const out = await client.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const image = (out.Images ?? []).find((i) => i.ImageId && i.Platform === undefined && i.Architecture === 'x86_64');
  if (!image?.ImageId) throw new Error('moto lists no built-in Linux AMI');
  return image.ImageId;
}

/** What a test file shares: one environment and one built-in image, ready once beforeAll has run. */
export interface SharedEc2TestEnv { env: Ec2TestEnv; imageId: string }

/**
 * Registers the usual hooks of a file: the environment (and a moto image) before all tests,
 * a proxy without faults or counts before each, and closing after all.
 */
export function useEc2TestEnv(options: Ec2TestEnvOptions = {}): SharedEc2TestEnv {
  const shared = {} as SharedEc2TestEnv;
  beforeAll(async () => {
    shared.env = await startEc2TestEnv(options);
    shared.imageId = await builtInLinuxImage(shared.env.direct());
  }, MOTO_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await shared.env?.close();
  });
  beforeEach(() => shared.env.proxy.reset());
  return shared;
}
