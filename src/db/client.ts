// The Prisma client factory. The client needs no query engine binary: it runs through the
// `pg` driver adapter, against PostgreSQL or the embedded PGlite server alike.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export { PrismaClient, Prisma } from '../generated/prisma/client';

/**
 * A client with its own connection pool (up to `maxConnections`, default 10, opened lazily).
 * The caller owns it and must `$disconnect()` it at shutdown, which ends the pool. The
 * embedded database is used with a single connection: PGlite runs one backend, and
 * concurrent statements over several connections were seen to come back empty.
 */
export function createPrisma(databaseUrl: string, options: { maxConnections?: number } = {}): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 }) });
}
