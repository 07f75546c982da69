// The hot reads (src/db/hot-reads.ts) answer exactly what the Prisma queries they replace
// answered: the same worker type, field for field and type for type, and the same names in
// the same order, on a real PostgreSQL.
import { createPrisma, type PrismaClient } from '../../src/db/client';
import { createWorkerTypeRepository, fromRow, type WorkerTypeRepository } from '../../src/db/worker-types';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { workerTypeDefinition } from '../support/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let db: PrismaClient;
let repo: WorkerTypeRepository;
const NAMES = ['b-2', 'a_1', 'a-1', 'z9', 'A-upper', 'a.dot'];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma(database.url);
  repo = createWorkerTypeRepository(db);
  const def = workerTypeDefinition({
    maxPrice: 0.1, scalingRatio: 0.30000000000000004, minCapacity: 2_000_000_000,
    userData: { nested: { list: [1, 2.5, null, true, 'é ☃'] }, big: 1e21 }, scopes: ['queue:*', 'x:<y>'],
  }) as unknown as WorkerTypeDefinition;
  for (const name of NAMES) await repo.create(name, def, new Date('2026-12-01T10:00:00.123Z'));
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

test('a worker type reads back as Prisma read it, field for field', async () => {
  for (const name of NAMES) {
    const viaPrisma = fromRow((await db.workerType.findUniqueOrThrow({ where: { name } })));
    const hot = await repo.get(name);
    expect(hot).toStrictEqual(viaPrisma);
    expect(JSON.stringify(hot)).toBe(JSON.stringify(viaPrisma));
  }
});

test('an absent worker type is null', async () => {
  expect(await repo.get('absent')).toBeNull();
});

test('names come in the order Prisma gave them, with and without a limit', async () => {
  const viaPrisma = (limit?: number) => db.workerType.findMany({ select: { name: true }, orderBy: { name: 'asc' }, take: limit })
    .then((rows) => rows.map((r) => r.name));
  expect(await repo.listNames()).toEqual(await viaPrisma());
  expect(await repo.listNames(3)).toEqual(await viaPrisma(3));
  expect(await repo.listNames(0)).toEqual([]);
});
