// The outbox of Pulse events. Rows are added by the worker type repository in the
// transaction of the change they announce, and drained by the publisher of any API replica:
// a batch is claimed with FOR UPDATE SKIP LOCKED, so two replicas never send the same row,
// and deleted in the same transaction only after the broker confirmed it.
import type { PrismaClient } from '../generated/prisma/client';

/** Called by the writers once a change and its event committed (the publisher drains at once). */
export interface OutboxHook { committed(): void }

/** Interactive transactions that add an event; generous, so a busy pool delays rather than fails a write. */
export const OUTBOX_TRANSACTION = { maxWait: 10_000, timeout: 10_000 };

export interface OutboxRow { id: bigint; exchange: string; workerType: string; createdAt: Date }

export function createEventOutbox(db: PrismaClient) {
  return {
    /**
     * Claims up to `limit` of the oldest rows that no other transaction holds, hands them to
     * `send` in id order and deletes them once it resolves; all in one transaction of at most
     * `timeoutMs`. When `send` throws (or the process dies) nothing is deleted and the rows
     * are claimed again by a later drain, here or on another replica. Returns how many were sent.
     */
    async drain(limit: number, timeoutMs: number, send: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
      return db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT id, exchange, "workerType", "createdAt" FROM "EventOutbox"
          ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        await send(rows);
        await tx.eventOutbox.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
        return rows.length;
      }, { maxWait: timeoutMs, timeout: timeoutMs });
    },

    /** Rows waiting to be published. */
    async pending(): Promise<number> {
      return db.eventOutbox.count();
    },
  };
}

export type EventOutbox = ReturnType<typeof createEventOutbox>;
