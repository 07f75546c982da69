// The observation's one statement (src/db/observation-reads.ts) on a real PostgreSQL: each of
// its parts answers what the Prisma query it replaced answered, value for value and type for
// type, in a fixed order, and only for the worker type, regions, types and ages asked.
import { createPrisma, sqlPool, type PrismaClient } from '../../src/db/client';
import { createObservationReads, type ObservationReadsQuery, type ObservationReadsRepository } from '../../src/db/observation-reads';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let db: PrismaClient;
let reads: ObservationReadsRepository;
const T0 = new Date('2026-12-01T10:00:00.123Z');
const OLD = new Date('2026-11-01T10:00:00.000Z');
const REGIONS = ['us-west-2', 'us-east-1'];
const TYPES = ['c5.xlarge', 'c5.2xlarge'];
const QUERY: ObservationReadsQuery = { workerType: 'wt', regions: REGIONS, instanceTypes: TYPES, spotSince: T0, onDemandSince: T0 };

type Row = Parameters<PrismaClient['instance']['create']>[0]['data'];
let token = 0;
function instance(over: Partial<Row>): Row {
  token += 1;
  return {
    clientToken: `tok-${token}`, instanceId: `i-${String(token).padStart(4, '0')}`, workerType: 'wt', region: 'us-west-2',
    zone: 'us-west-2a', instanceType: 'c5.xlarge', capacity: 1, market: 'spot', price: 0.30000000000000004,
    state: 'running', launched: new Date(T0.getTime() - token * 1_001), ...over,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma(database.url);
  reads = createObservationReads(sqlPool(db));
  await db.instance.createMany({
    data: [
      instance({}), instance({ capacity: 2, state: 'pending' }), instance({ capacity: 4, state: 'requested', instanceId: null }),
      instance({ capacity: 5, registered: T0, registeredBy: 'getSecret' }), instance({ capacity: 8, state: 'stopping' }),
      instance({ state: 'terminated' }), instance({ workerType: 'other', capacity: 16 }), instance({ region: 'us-east-1', price: 1e-7 }),
      instance({ state: 'pending', registered: T0, registeredBy: 'instanceStarted', capacity: 3 }),
    ],
  });
  await db.regionStatus.createMany({ data: [
    { region: 'us-west-2', zones: ['us-west-2b', 'us-west-2a'] }, { region: 'us-east-1', zones: [] }, { region: 'eu-west-1', zones: ['eu-west-1a'] },
  ] });
  await db.spotPrice.createMany({ data: [
    { region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', price: 0.1234567890123, fetchedAt: T0 },
    { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.2xlarge', price: 1e-5, fetchedAt: new Date(T0.getTime() + 1) },
    { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.xlarge', price: 0.5, fetchedAt: OLD },
    { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'm5.large', price: 0.01, fetchedAt: T0 },
    { region: 'eu-west-1', zone: 'eu-west-1a', instanceType: 'c5.xlarge', price: 0.01, fetchedAt: T0 },
  ] });
  await db.onDemandPrice.createMany({ data: [
    { region: 'us-west-2', instanceType: 'c5.xlarge', usdPerHour: 0.17, fetchedAt: T0 },
    { region: 'us-east-1', instanceType: 'c5.2xlarge', usdPerHour: 0.34, fetchedAt: T0 },
    { region: 'us-east-1', instanceType: 'c5.xlarge', usdPerHour: 0.17, fetchedAt: OLD },
    { region: 'eu-west-1', instanceType: 'c5.xlarge', usdPerHour: 0.19, fetchedAt: T0 },
  ] });
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

// The Prisma queries the statement replaced, as they were, with the statement's order added.
const viaPrisma = {
  async unregistered(workerType: string) {
    const rows = await db.instance.findMany({
      where: { workerType, state: { in: ['pending', 'running'] }, registered: null, instanceId: { not: null } }, orderBy: { instanceId: 'asc' },
    });
    return rows.map((r) => ({ instanceId: r.instanceId!, region: r.region, capacity: r.capacity, price: r.price, launchedAt: r.launched.getTime() }));
  },
  async zones(regions: string[]) {
    const rows = await db.regionStatus.findMany({ where: { region: { in: regions } }, select: { region: true, zones: true }, orderBy: { region: 'asc' } });
    return Object.fromEntries(rows.map((r) => [r.region, r.zones]));
  },
  async spot(regions: string[], types: string[], since: Date) {
    const rows = await db.spotPrice.findMany({
      where: { region: { in: regions }, instanceType: { in: types }, fetchedAt: { gte: since } },
      orderBy: [{ region: 'asc' }, { zone: 'asc' }, { instanceType: 'asc' }],
    });
    return rows.map((p) => ({ region: p.region, zone: p.zone, instanceType: p.instanceType, price: p.price }));
  },
  async onDemand(regions: string[], types: string[], since: Date) {
    const rows = await db.onDemandPrice.findMany({
      where: { region: { in: regions }, instanceType: { in: types }, fetchedAt: { gte: since } }, orderBy: [{ region: 'asc' }, { instanceType: 'asc' }],
    });
    return rows.map((p) => ({ region: p.region, instanceType: p.instanceType, price: p.usdPerHour }));
  },
};

test('each part answers what its Prisma query answered, value for value', async () => {
  const got = await reads.read(QUERY);
  expect(got.unregistered).toStrictEqual(await viaPrisma.unregistered('wt'));
  expect(got.zones).toStrictEqual(await viaPrisma.zones(REGIONS));
  expect(got.spotQuotes).toStrictEqual(await viaPrisma.spot(REGIONS, TYPES, T0));
  expect(got.onDemandQuotes).toStrictEqual(await viaPrisma.onDemand(REGIONS, TYPES, T0));
  expect(JSON.stringify(got.spotQuotes)).toBe(JSON.stringify(await viaPrisma.spot(REGIONS, TYPES, T0)));
});

test('the parts hold what the fixture says, so the comparison above is not of empty lists', async () => {
  const got = await reads.read(QUERY);
  // Registered: 5 running + 3 pending in EC2. Unregistered: 1 and 1 (us-east-1) running, 2 pending. One requested of 4.
  expect(got.capacity).toEqual({ running: 8, pending: 4, requested: 4 });
  expect(got.unregistered.map((u) => u.region)).toEqual(['us-west-2', 'us-west-2', 'us-east-1']);
  expect(got.unregistered[0]).toEqual({ instanceId: 'i-0001', region: 'us-west-2', capacity: 1, price: 0.30000000000000004, launchedAt: T0.getTime() - 1_001 });
  expect(got.zones).toEqual({ 'us-east-1': [], 'us-west-2': ['us-west-2b', 'us-west-2a'] });
  expect(got.spotQuotes).toEqual([
    { region: 'us-west-2', zone: 'us-west-2a', instanceType: 'c5.2xlarge', price: 1e-5 },
    { region: 'us-west-2', zone: 'us-west-2b', instanceType: 'c5.xlarge', price: 0.1234567890123 },
  ]);
  expect(got.onDemandQuotes).toEqual([
    { region: 'us-east-1', instanceType: 'c5.2xlarge', price: 0.34 }, { region: 'us-west-2', instanceType: 'c5.xlarge', price: 0.17 },
  ]);
});

test.each([
  ['a worker type without instances', { workerType: 'absent' }, { running: 0, pending: 0, requested: 0 }, 0],
  ['another worker type', { workerType: 'other' }, { running: 0, pending: 16, requested: 0 }, 1],
])('%s: its own capacity and instances only', async (_name, over, capacity, unregistered) => {
  const got = await reads.read({ ...QUERY, ...over });
  expect(got.capacity).toEqual(capacity);
  expect(got.unregistered).toHaveLength(unregistered);
});

test.each([
  ['no regions', { regions: [] }, 0, 0, {}],
  ['no instance types', { instanceTypes: [] }, 0, 0, { 'us-east-1': [], 'us-west-2': ['us-west-2b', 'us-west-2a'] }],
  ['every price old enough', { spotSince: OLD, onDemandSince: OLD }, 3, 3, { 'us-east-1': [], 'us-west-2': ['us-west-2b', 'us-west-2a'] }],
  ['no price young enough', { spotSince: new Date(T0.getTime() + 2), onDemandSince: new Date(T0.getTime() + 1) }, 0, 0,
    { 'us-east-1': [], 'us-west-2': ['us-west-2b', 'us-west-2a'] }],
])('%s', async (_name, over, spot, onDemand, zones) => {
  const q = { ...QUERY, ...over };
  const got = await reads.read(q);
  expect(got.spotQuotes).toHaveLength(spot);
  expect(got.onDemandQuotes).toHaveLength(onDemand);
  expect(got.zones).toStrictEqual(zones);
  expect(got.spotQuotes).toStrictEqual(await viaPrisma.spot([...q.regions], [...q.instanceTypes], q.spotSince));
  expect(got.onDemandQuotes).toStrictEqual(await viaPrisma.onDemand([...q.regions], [...q.instanceTypes], q.onDemandSince));
});
