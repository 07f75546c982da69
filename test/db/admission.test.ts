// Admission of signed requests (src/db/admission.ts) on a real PostgreSQL: one statement
// records the nonce and counts the write; a replay counts nothing; beyond the limit the
// request is refused but counted; rate keys count apart; and a statement that fails, the
// folded secret insert included, leaves no nonce and no count behind.
import { createHash } from 'node:crypto';
import { createAdmissionStore, type Admission, type AdmissionOutcome, type AdmissionStore } from '../../src/db/admission';
import { createPrisma, type PrismaClient } from '../../src/db/client';
import { SecretBox, hashToken } from '../../src/db/secret-box';
import { createSecretRepository } from '../../src/db/secrets';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let db: PrismaClient;
let store: AdmissionStore;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrisma(database.url);
  store = createAdmissionStore(db);
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const LIMIT = 2;
const WINDOW = new Date('2026-12-01T10:00:00.000Z');
const KEEP_UNTIL = new Date('2026-12-01T10:30:00.000Z');
const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** Every case runs on keys of its own (prefixed with its name), so the cases share no rows. */
const nonce = (key: string) => ({ key, keepUntil: KEEP_UNTIL });
const write = (key: string) => ({ key, windowStart: WINDOW, limit: LIMIT });

async function recorded(prefix: string, nonceKeys: string[]) {
  const nonces = await db.hawkNonce.count({ where: { keyHash: { in: nonceKeys.map((k) => digest(`${prefix}${k}`)) } } });
  const rows = await db.rateLimit.findMany({ where: { clientId: { startsWith: prefix } } });
  return { nonces, counts: Object.fromEntries(rows.map((r) => [r.clientId.slice(prefix.length), r.count])) };
}

interface Case {
  name: string;
  /** Admitted first, in order (their outcomes are not checked). */
  before: Admission[];
  admission: Admission;
  outcome: AdmissionOutcome;
  /** Nonces among n1..n4 recorded afterwards, and the counts per rate key. */
  nonces: number;
  counts: Record<string, number>;
}

const cases: Case[] = [
  { name: 'admitted: a new nonce and a write under the limit', before: [],
    admission: { nonce: nonce('n1'), rate: write('a') }, outcome: 'admitted', nonces: 1, counts: { a: 1 } },
  { name: 'admitted: the last write the limit allows', before: [{ nonce: nonce('n1'), rate: write('a') }],
    admission: { nonce: nonce('n2'), rate: write('a') }, outcome: 'admitted', nonces: 2, counts: { a: 2 } },
  { name: 'replay refused: the same nonce again counts nothing', before: [{ nonce: nonce('n1'), rate: write('a') }],
    admission: { nonce: nonce('n1'), rate: write('a') }, outcome: 'replayed', nonces: 1, counts: { a: 1 } },
  { name: 'replay refused: the same nonce under another rate key', before: [{ nonce: nonce('n1'), rate: write('a') }],
    admission: { nonce: nonce('n1'), rate: write('b') }, outcome: 'replayed', nonces: 1, counts: { a: 1 } },
  { name: 'limit reached: refused, and counted all the same',
    before: [{ nonce: nonce('n1'), rate: write('a') }, { nonce: nonce('n2'), rate: write('a') }],
    admission: { nonce: nonce('n3'), rate: write('a') }, outcome: 'rate-limited', nonces: 3, counts: { a: 3 } },
  { name: 'separate keys: another key is not limited by a full one',
    before: [{ nonce: nonce('n1'), rate: write('a') }, { nonce: nonce('n2'), rate: write('a') }, { nonce: nonce('n3'), rate: write('a') }],
    admission: { nonce: nonce('n4'), rate: write('b') }, outcome: 'admitted', nonces: 4, counts: { a: 3, b: 1 } },
  { name: 'a read: the nonce only, nothing counted', before: [],
    admission: { nonce: nonce('n1') }, outcome: 'admitted', nonces: 1, counts: {} },
  { name: 'no nonce (the Auth service guards replays): the write is counted', before: [{ rate: write('a') }],
    admission: { rate: write('a') }, outcome: 'admitted', nonces: 0, counts: { a: 2 } },
  { name: 'nothing to record', before: [], admission: {}, outcome: 'admitted', nonces: 0, counts: {} },
];

/** The case's admission with its keys prefixed. */
function scoped(prefix: string, a: Admission): Admission {
  return {
    ...(a.nonce ? { nonce: { ...a.nonce, key: `${prefix}${a.nonce.key}` } } : {}),
    ...(a.rate ? { rate: { ...a.rate, key: `${prefix}${a.rate.key}` } } : {}),
  };
}

test.each(cases.map((c, i) => [c.name, { ...c, prefix: `case${i}:` }] as const))('%s', async (_name, c) => {
  for (const earlier of c.before) await store.admit(scoped(c.prefix, earlier));
  expect(await store.admit(scoped(c.prefix, c.admission))).toBe(c.outcome);
  expect(await recorded(c.prefix, ['n1', 'n2', 'n3', 'n4'])).toEqual({ nonces: c.nonces, counts: c.counts });
});

test('of concurrent requests with one nonce exactly one is admitted, and it alone is counted', async () => {
  const same = { nonce: nonce('race:n1'), rate: { ...write('race:a'), limit: 100 } };
  const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.admit(same)));
  expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(1);
  expect(outcomes.filter((o) => o === 'replayed')).toHaveLength(9);
  expect(await recorded('race:', ['n1'])).toEqual({ nonces: 1, counts: { a: 1 } });
});

describe('a statement that fails leaves nothing', () => {
  const secrets = () => createSecretRepository(db, new SecretBox(Buffer.alloc(32, 1)));
  const payload = (workerType: string) => ({ workerType, secrets: { password: 'p' }, scopes: [] });
  const expiration = new Date(Date.now() + 3_600_000);

  test('a secret insert that fails takes the nonce and the count with it; the request can then be admitted', async () => {
    const admission = { nonce: nonce('fail:n1'), rate: write('fail:a') };
    // "Secret"."workerType" is VARCHAR(38): the insert fails after the nonce and the count were written.
    await expect(secrets().create('fail-token-1', payload('w'.repeat(39)), expiration, admission)).rejects.toMatchObject({ code: '22001' });
    expect(await recorded('fail:', ['n1'])).toEqual({ nonces: 0, counts: {} });
    expect(await db.secret.count()).toBe(0);
    await expect(secrets().create('fail-token-1', payload('w-ok'), expiration, admission)).resolves.toBe('created');
    expect(await recorded('fail:', ['n1'])).toEqual({ nonces: 1, counts: { a: 1 } });
  });

  test('an admission whose count cannot be written records no nonce', async () => {
    const full = 2 ** 31 - 1;
    await db.rateLimit.create({ data: { clientId: 'overflow:a', windowStart: WINDOW, count: full } });
    // "RateLimit"."count" is an INTEGER: one more overflows, after the nonce was written.
    await expect(store.admit({ nonce: nonce('overflow:n1'), rate: write('overflow:a') })).rejects.toMatchObject({ code: '22003' });
    expect(await recorded('overflow:', ['n1'])).toEqual({ nonces: 0, counts: { a: full } });
  });
});

test('createSecret refused at admission stores no secret; an admitted repeat of the same payload is unchanged', async () => {
  const repo = createSecretRepository(db, new SecretBox(Buffer.alloc(32, 1)));
  const p = { workerType: 'w-1', secrets: { password: 'p' }, scopes: [] };
  const at = new Date(Date.now() + 3_600_000);
  const full = (n: string) => ({ nonce: nonce(`secret:${n}`), rate: write('secret:a') });
  expect(await repo.create('token-a', p, at, full('n1'))).toBe('created');
  expect(await repo.create('token-b', p, at, full('n1'))).toBe('replayed');
  expect(await repo.create('token-a', p, at, full('n2'))).toBe('unchanged');
  expect(await repo.create('token-a', { ...p, scopes: ['x'] }, at, full('n3'))).toBe('rate-limited');
  const stored = await db.secret.findMany({ where: { tokenHash: { in: [hashToken('token-a'), hashToken('token-b')] } } });
  expect(stored.map((row) => row.tokenHash)).toEqual([hashToken('token-a')]);
});
