// The Prisma client factory. The client needs no query engine binary: it runs through the
// `pg` driver adapter, against PostgreSQL or the embedded PGlite server alike. The adapter
// runs on a `pg` pool made here, which the hot reads of the API (./hot-reads.ts) also use
// directly: one query each, without Prisma's query runtime and its garbage.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export { PrismaClient, Prisma } from '../generated/prisma/client';

const pools = new WeakMap<object, pg.Pool>();

/**
 * A client with its own connection pool (up to `maxConnections`, default 10, opened lazily).
 * The caller owns it and must `$disconnect()` it at shutdown, which ends the pool. The
 * embedded database is used with a single connection: PGlite runs one backend, and
 * concurrent statements over several connections were seen to come back empty.
 */
export function createPrisma(databaseUrl: string, options: { maxConnections?: number } = {}): PrismaClient {
  return prismaOnPool(databaseUrl, options.maxConnections ?? 10, (adapter) => new PrismaClient({ adapter }));
}

/**
 * The client `make` builds on an adapter over a new pool, with the pool registered for
 * sqlPool: for callers that need Prisma options of their own (query events, say).
 * `$disconnect()` ends the pool.
 */
export function prismaOnPool<T extends object>(databaseUrl: string, maxConnections: number, make: (adapter: PrismaPg) => T): T {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // An idle connection the server ended (a restart, a dropped database) is removed by the
  // pool itself and the next query opens another; errors of queries reach their callers.
  // Without a listener the pool's 'error' event would end the process. The adapter, which
  // listens only once Prisma connects, ignores these errors too.
  pool.on('error', () => {});
  const db = make(new PrismaPg(pool, { disposeExternalPool: true }));
  pools.set(db, pool);
  return db;
}

/**
 * The `pg` pool under a client of createPrisma or prismaOnPool (the same connections, the same limit).
 * Queries on it use `pg`'s own type parsing (timestamptz -> Date, jsonb -> objects). Throws
 * for a client made otherwise: the hot reads have no second path.
 */
export function sqlPool(db: PrismaClient): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this PrismaClient was not made by createPrisma or prismaOnPool: it has no pool for raw SQL');
  return pool;
}
