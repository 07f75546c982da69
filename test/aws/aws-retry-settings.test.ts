// The AWS SDK's standard retry settings reach our clients: with AWS_MAX_ATTEMPTS=N (and either
// retry mode) an EC2 call failing with HTTP 500 is sent exactly N times before it fails as
// `transient`, and so is a Price List query. Real SDK clients built from the configuration as
// the worker builds them, against the strict EC2 proxy (in front of moto) and the Price List
// stand-in, which count what reaches them.
import { awsClientOptions, createEc2Clients, ec2OptionsFor } from '../../src/aws/ec2-clients';
import { Ec2Error } from '../../src/aws/errors';
import { createEc2Gateway } from '../../src/aws/ec2-gateway';
import { createPricingGateway } from '../../src/aws/pricing';
import { loadConfig } from '../../src/config';
import { startEc2Proxy, type Ec2Proxy } from '../support/ec2-proxy';
import { MOTO_URL_ENV } from '../support/global-services';
import { startPricingStandIn, type PricingStandIn } from '../support/pricing-standin';

const REGION = 'us-west-2';
let proxy: Ec2Proxy;
let pricing: PricingStandIn;

beforeAll(async () => {
  [proxy, pricing] = await Promise.all([startEc2Proxy(process.env[MOTO_URL_ENV]!), startPricingStandIn()]);
});
afterAll(async () => {
  await Promise.all([proxy.close(), pricing.close()]);
});

function config(env: Record<string, string>) {
  return loadConfig({
    DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/none', SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
    AWS_ENDPOINT_URL_EC2: proxy.url, AWS_ENDPOINT_URL_PRICING: pricing.url, ...env,
  }, 'cli');
}

test.each([
  ['1', 'standard'], ['3', 'standard'], ['3', 'adaptive'], ['4', 'legacy'],
])('AWS_MAX_ATTEMPTS=%s, AWS_RETRY_MODE=%s: an EC2 call answered 500 is sent that many times', async (attempts, mode) => {
  const cfg = config({ AWS_MAX_ATTEMPTS: attempts, AWS_RETRY_MODE: mode });
  const clients = createEc2Clients(ec2OptionsFor(cfg));
  try {
    proxy.reset();
    proxy.injectFault({ action: 'DescribeAvailabilityZones', code: 'InternalError', status: 500, times: Infinity });
    const err = await createEc2Gateway(clients).availabilityZones(REGION).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Ec2Error);
    expect(err).toMatchObject({ kind: 'transient', code: 'InternalError' });
    expect(proxy.counts(REGION).DescribeAvailabilityZones).toBe(Number(attempts));
  } finally {
    clients.destroy();
  }
});

test('without AWS_MAX_ATTEMPTS, 2 attempts (one quick retry, then Temporal\'s turn); the call succeeds once EC2 does', async () => {
  const clients = createEc2Clients(ec2OptionsFor(config({})));
  try {
    proxy.reset();
    proxy.injectFault({ action: 'DescribeAvailabilityZones', code: 'InternalError', status: 500, times: 1 });
    expect(await createEc2Gateway(clients).availabilityZones(REGION)).toContain('us-west-2a');
    expect(proxy.counts(REGION).DescribeAvailabilityZones).toBe(2);
  } finally {
    clients.destroy();
  }
});

test.each([['1'], ['3']])('AWS_MAX_ATTEMPTS=%s holds for the Price List client too', async (attempts) => {
  const cfg = config({ AWS_MAX_ATTEMPTS: attempts });
  const gateway = createPricingGateway({ ...awsClientOptions(cfg.pricingEndpoint, cfg), region: cfg.pricingRegion });
  try {
    const before = pricing.faulted();
    pricing.failNext(Number.MAX_SAFE_INTEGER, 'InternalErrorException', 500);
    const err = await gateway.onDemandProducts('eu-central-1', 'c5.xlarge').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', code: 'InternalErrorException', operation: 'GetProducts' });
    expect(pricing.faulted() - before).toBe(Number(attempts));
  } finally {
    pricing.failNext(0);
    gateway.destroy();
  }
});
