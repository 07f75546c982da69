// A region's spot price refresh on a real PostgreSQL: it replaces the region's stored prices,
// so an offering the latest answer leaves out can no longer look like a bargain.
import { createPrisma, sqlPool, type PrismaClient } from '../../src/db/client';
import { createObservationReads, type ObservationReadsRepository } from '../../src/db/observation-reads';
import { createSpotPriceRepository, type SpotPriceRepository } from '../../src/db/spot-prices';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let db: PrismaClient;
let prices: SpotPriceRepository;
let reads: ObservationReadsRepository;
const ZONES = ['us-west-2a', 'us-west-2b', 'us-west-2d'];
const T0 = new Date('2026-12-01T10:00:00Z');
const T1 = new Date('2026-12-01T10:05:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma(database.url);
  prices = createSpotPriceRepository(db);
  reads = createObservationReads(sqlPool(db));
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const stored = async (region: string) =>
  (await db.spotPrice.findMany({ where: { region }, orderBy: [{ zone: 'asc' }, { instanceType: 'asc' }] }))
    .map((p) => `${p.zone} ${p.instanceType} ${p.price} ${p.fetchedAt.toISOString()}`);

test('a refresh keeps only the offerings its answer holds, at the new fetch time', async () => {
  await prices.recordRefresh('us-west-2', ZONES, [
    { zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.45 },
    { zone: 'us-west-2d', instanceType: 'c5.xlarge', price: 0.00001 },
    { zone: 'us-west-2d', instanceType: 'c5.2xlarge', price: 0.00002 },
  ], T0);
  await prices.recordRefresh('us-west-2', ZONES, [{ zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.5 }], T1);
  expect(await stored('us-west-2')).toEqual([`us-west-2a c5.xlarge 0.5 ${T1.toISOString()}`]);
  const read = await reads.read({ workerType: 'wt', regions: ['us-west-2'], instanceTypes: ['c5.xlarge', 'c5.2xlarge'], spotSince: T0, onDemandSince: T0 });
  expect(read.spotQuotes).toEqual([{ region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.5 }]);
  expect(read.zones).toEqual({ 'us-west-2': ZONES });
});

test("a refresh touches only its own region's prices", async () => {
  await prices.recordRefresh('us-east-1', ['us-east-1a'], [{ zone: 'us-east-1a', instanceType: 'c5.xlarge', price: 0.2 }], T0);
  await prices.recordRefresh('eu-west-1', ['eu-west-1a'], [{ zone: 'eu-west-1a', instanceType: 'c5.xlarge', price: 0.3 }], T0);
  await prices.recordRefresh('eu-west-1', ['eu-west-1a'], [], T1);
  expect(await stored('eu-west-1')).toEqual([]);
  expect(await stored('us-east-1')).toEqual([`us-east-1a c5.xlarge 0.2 ${T0.toISOString()}`]);
  expect(await db.regionStatus.findUnique({ where: { region: 'eu-west-1' } })).toMatchObject({ zones: ['eu-west-1a'], pricesRefreshedAt: T1 });
});
