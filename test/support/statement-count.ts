// Counts the SQL statements sent through the `pg` pool under a Prisma client (src/db/client.ts
// sqlPool): the repositories' plain statements and Prisma's own queries alike, since Prisma's
// driver adapter runs on the same pool. Each pooled connection's `query` is wrapped the first
// time it is checked out, so statements on connections made later are counted too.
import type pg from 'pg';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { sqlPool } from '../../src/db/client';

export interface StatementCount {
  /** The text of every statement since the start or the last `reset`, in the order sent. */
  readonly statements: string[];
  reset(): void;
  /** Stops counting (the wrapped connections stay wrapped but no longer record). */
  stop(): void;
}

function statementText(args: unknown[]): string {
  const first = args[0] as string | { text?: string } | undefined;
  return typeof first === 'string' ? first : first?.text ?? '<no text>';
}

export function countStatements(db: PrismaClient): StatementCount {
  const pool = sqlPool(db);
  const statements: string[] = [];
  const wrapped = new WeakSet<pg.PoolClient>();
  let counting = true;
  const wrap = (client: pg.PoolClient): void => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      if (counting) statements.push(statementText(args));
      return query(...args);
    };
  };
  pool.on('acquire', wrap);
  return {
    statements,
    reset: () => { statements.length = 0; },
    stop: () => { counting = false; pool.off('acquire', wrap); },
  };
}
