// The Prisma client factory. The client needs no query engine binary: it runs through the
// `pg` driver adapter, against PostgreSQL or the embedded PGlite server alike.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export { PrismaClient, Prisma } from '../generated/prisma/client';

/**
 * A client with its own connection pool (pg's defaults: up to 10 connections, opened
 * lazily). The caller owns it and must `$disconnect()` it at shutdown, which ends the pool.
 */
export function createPrisma(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
