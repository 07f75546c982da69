// The on-demand price refresh of a region, real from the activity down: the activities as the
// worker builds them, the real Pricing client (SigV4, AWS JSON 1.1) against the strict
// Price List stand-in with a page size of 1, and a real PostgreSQL. Paging is followed to the
// last page, throttling is retried by the SDK and then classified for Temporal's retry, prices
// are stored with their fetch time and iterations read only those young enough.
import { ApplicationFailure } from '@temporalio/common';
import { createActivities, type Activities } from '../../activities';
import type { ActivityDeps } from '../../activities/deps';
import { DEFAULT_SETTINGS } from '../../activities/deps';
import { createPricingGateway, onDemandFilters, type PricingGateway } from '../../src/aws/pricing';
import { createPrisma } from '../../src/db/client';
import { createActivityRepositories } from '../../src/db/activity-repositories';
import { SecretBox } from '../../src/db/secret-box';
import { createWorkerTypeRepository } from '../../src/db/worker-types';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { THROTTLE_RETRY_DELAY_MS } from '../../src/domain/failure-kinds';
import { ON_DEMAND_PRICE_MAX_AGE_MS } from '../../src/domain/on-demand-quotes';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createWorkerMetrics } from '../../src/metrics/registry';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { workerTypeDefinition } from '../support/fixtures';
import { startPricingStandIn, type PricingStandIn } from '../support/pricing-standin';

const REGION = 'eu-central-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const DAY_MS = 24 * 3_600_000;

let database: TestDatabase;
let db: PrismaClient;
let standIn: PricingStandIn;
let now: Date;
const gateways: PricingGateway[] = [];

/** The activities on the real repositories; EC2 and the Queue are not expected to be called. */
function activities(maxAttempts: number): Activities {
  const pricing = createPricingGateway({ region: 'us-east-1', endpoint: standIn.url, credentials: CREDENTIALS, maxAttempts, retryMode: 'standard' });
  gateways.push(pricing);
  const unexpected = new Proxy({}, { get: (_t, name) => () => { throw new Error(`unexpected call ${String(name)}`); } });
  const deps: ActivityDeps = {
    repos: createActivityRepositories(db, new SecretBox(Buffer.alloc(32, 1))),
    ec2: unexpected as ActivityDeps['ec2'], queue: unexpected as ActivityDeps['queue'], pricing,
    tokenKey: Buffer.alloc(32, 2), now: () => now, metrics: createWorkerMetrics(),
    settings: {
      ...DEFAULT_SETTINGS, provisionerId: 'pricing-test', provisionerBaseUrl: 'http://127.0.0.1/v1', rootUrl: 'http://127.0.0.1',
      allowedRegions: [REGION, 'us-east-1'], registrationTimeoutMs: 60_000, maxInstanceLifetimeMs: DAY_MS, workerTypeStability: 'experimental',
      loop: { iterationIntervalMs: 1_000, capacityCooldownMs: 1_000, inventoryIntervalMs: 1_000, spotPriceIntervalMs: 1_000, iterationRecordMaxAgeMs: 0 },
    },
  };
  return createActivities(deps);
}

const definition = (types: string[]) => workerTypeDefinition({
  instanceTypes: types.map((instanceType) => ({ instanceType, capacity: 1, utility: 1, launchSpec: {}, secrets: {}, userData: {}, scopes: [] })),
  regions: [{ region: REGION, launchSpec: { ImageId: 'ami-12345678' }, secrets: {}, userData: {}, scopes: [] }],
  canUseOndemand: true,
}) as unknown as WorkerTypeDefinition;

const stored = () => db.onDemandPrice.findMany({ orderBy: { instanceType: 'asc' } });

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma(database.url);
  standIn = await startPricingStandIn({ pageSize: 1 });
  now = new Date('2026-12-01T10:00:00Z');
  await createWorkerTypeRepository(db).create('priced', definition(['c5.xlarge', 'm5.large', 'x9.unknown']), now);
});

afterAll(async () => {
  for (const g of gateways) g.destroy();
  await standIn.close();
  await db.$disconnect();
  await database.drop();
});

afterEach(() => {
  expect(standIn.rejected).toEqual([]);
});

test('every page is read, each type asked once with the documented filters, prices stored with their fetch time', async () => {
  // c5.xlarge has three matching products (three pages of one): the highest is on the last page.
  standIn.setPrices([
    { region: REGION, instanceType: 'c5.xlarge', usdPerHour: [0.194, 0.2, 0.232] },
    { region: REGION, instanceType: 'm5.large', usdPerHour: 0.115 },
    { region: 'us-east-1', instanceType: 'm5.large', usdPerHour: 0.096 },
  ]);
  const result = await activities(2).refreshOnDemandPrices({ region: REGION, onlyMissing: false });
  expect(result).toEqual({ asked: 3, prices: 2, unpriced: ['x9.unknown'] });
  const c5 = standIn.requests.filter((r) => r.Filters?.some((f) => f.Value === 'c5.xlarge'));
  expect(c5).toHaveLength(3);
  expect(c5.map((r) => r.NextToken === undefined)).toEqual([true, false, false]);
  for (const r of standIn.requests) {
    expect(r).toMatchObject({ ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', MaxResults: 100 });
    expect(r.Filters).toEqual(onDemandFilters(REGION, r.Filters!.find((f) => f.Field === 'instanceType')!.Value));
  }
  expect(await stored()).toEqual([
    { region: REGION, instanceType: 'c5.xlarge', usdPerHour: 0.232, fetchedAt: now },
    { region: REGION, instanceType: 'm5.large', usdPerHour: 0.115, fetchedAt: now },
  ]);
});

test('a definition change fetches only the types without a stored price', async () => {
  await createWorkerTypeRepository(db).create('newcomer', definition(['c6i.large']), now);
  standIn.setPrices([{ region: REGION, instanceType: 'c6i.large', usdPerHour: 0.097 }]);
  const before = standIn.requests.length;
  const result = await activities(2).refreshOnDemandPrices({ region: REGION, onlyMissing: true });
  expect(result).toEqual({ asked: 2, prices: 1, unpriced: ['x9.unknown'] });
  expect(standIn.requests.slice(before).map((r) => r.Filters!.find((f) => f.Field === 'instanceType')!.Value)).toEqual(['c6i.large', 'x9.unknown']);
});

test('throttling: the SDK retries within its attempts; beyond them the failure is `throttled`, retried by Temporal after a pause', async () => {
  standIn.setPrices([{ region: REGION, instanceType: 'c5.xlarge', usdPerHour: 0.25 }, { region: REGION, instanceType: 'm5.large', usdPerHour: 0.12 },
    { region: REGION, instanceType: 'c6i.large', usdPerHour: 0.1 }]);
  now = new Date(now.getTime() + DAY_MS);
  standIn.failNext(2);
  expect(await activities(3).refreshOnDemandPrices({ region: REGION, onlyMissing: false })).toMatchObject({ prices: 3 });
  expect(standIn.faulted()).toBe(2);
  expect((await stored()).find((p) => p.instanceType === 'c5.xlarge')).toEqual({ region: REGION, instanceType: 'c5.xlarge', usdPerHour: 0.25, fetchedAt: now });

  const later = new Date(now.getTime() + DAY_MS);
  now = later;
  standIn.failNext(2);
  const failure = await activities(2).refreshOnDemandPrices({ region: REGION, onlyMissing: false }).catch((e: unknown) => e);
  expect(standIn.faulted()).toBe(4);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: 'throttled', nonRetryable: false, nextRetryDelay: THROTTLE_RETRY_DELAY_MS });
  expect((failure as Error).message).toContain('ThrottlingException');
  // Nothing of the failed refresh is stored: every price keeps its earlier fetch time.
  expect((await stored()).every((p) => p.fetchedAt.getTime() < later.getTime())).toBe(true);
});

test('iterations read each region\'s own prices, only those younger than a week', async () => {
  await db.onDemandPrice.create({ data: { region: 'us-east-1', instanceType: 'c5.xlarge', usdPerHour: 0.17, fetchedAt: now } });
  await db.onDemandPrice.update({
    where: { region_instanceType: { region: REGION, instanceType: 'm5.large' } },
    data: { fetchedAt: new Date(now.getTime() - ON_DEMAND_PRICE_MAX_AGE_MS - 1) },
  });
  const obs = await activities(2).observeWorkerType('priced');
  // 'priced' runs in eu-central-1 only: the us-east-1 price is not its; m5.large's is too old.
  expect(obs?.onDemandQuotes).toEqual([{ region: REGION, instanceType: 'c5.xlarge', price: 0.25 }]);
});

test('the stand-in refuses what the service refuses: unsigned requests, bad bounds and filters, foreign tokens', async () => {
  const post = (body: unknown, headers: Record<string, string> = {}) => fetch(standIn.url, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSPriceListService.GetProducts', ...headers },
  });
  const unsigned = await post({ ServiceCode: 'AmazonEC2' });
  expect(unsigned.status).toBe(403);
  expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  const { PricingClient, GetProductsCommand } = await import('@aws-sdk/client-pricing');
  const client = new PricingClient({ region: 'us-east-1', endpoint: standIn.url, credentials: CREDENTIALS, maxAttempts: 1 });
  const refused = async (input: ConstructorParameters<typeof GetProductsCommand>[0]) => client.send(new GetProductsCommand(input)).then(() => 'accepted', (e: Error) => e.name);
  expect(await refused({ ServiceCode: 'AmazonEC2', MaxResults: 101 })).toBe('InvalidParameterException');
  expect(await refused({ ServiceCode: 'AmazonEC2', MaxResults: 0 })).toBe('InvalidParameterException');
  expect(await refused({ ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v2' })).toBe('InvalidParameterException');
  expect(await refused({ ServiceCode: 'AmazonS3' })).toBe('NotFoundException');
  expect(await refused({ ServiceCode: 'AmazonEC2', Filters: [{ Type: 'LIKE' as 'TERM_MATCH', Field: 'instanceType', Value: 'c5.xlarge' }] })).toBe('InvalidParameterException');
  expect(await refused({ ServiceCode: 'AmazonEC2', NextToken: 'never-issued' })).toBe('InvalidNextTokenException');
  expect(await refused({ ServiceCode: 'AmazonEC2', MaxResults: 100 })).toBe('accepted');
  client.destroy();
  expect(standIn.rejected).toHaveLength(7);
  standIn.rejected.length = 0;
});
