// An embedded PostgreSQL for local development: PGlite (PostgreSQL compiled to wasm)
// keeping its files in a directory, served over the PostgreSQL wire protocol on
// 127.0.0.1 so that `pg`, the Prisma pg adapter and psql connect as to any server.
//
// Limits (fine for one developer, not for load tests): PGlite runs a single backend, so
// statements from all connections are executed one at a time, and all connections share
// one session; session-level advisory locks therefore exclude nothing, and whichever
// database name a client asks for, it gets the same database.
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from './local-host';

export interface EmbeddedPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Closes the listener and its connections, then the database (flushing it to dataDir). */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /**
   * Connections accepted at once; more are refused. Default 32: a Prisma pool (10 by
   * default) per process role plus migrations and a psql session or two.
   */
  maxConnections?: number;
}

const HOST = '127.0.0.1';


/** Starts the socket server, trying another port if the chosen one was taken meanwhile. */
async function listen(db: PGlite, maxConnections: number): Promise<{ server: PGLiteSocketServer; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = new PGLiteSocketServer({ db, host: HOST, port, maxConnections });
    try {
      await server.start();
      return { server, port };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err;
    }
  }
}

/**
 * Opens (creating it on first use) the database stored in dataDir and serves it.
 * Only one process may open a dataDir at a time.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  try {
    const { server, port } = await listen(db, options.maxConnections ?? 32);
    return {
      url: `postgresql://postgres@${HOST}:${port}/postgres`,
      stop: async () => {
        try {
          await server.stop();
        } finally {
          await db.close();
        }
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
