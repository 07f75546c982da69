// The bounded history of each worker type (see src/domain/history.ts). Every write adds its
// rows and prunes the kind back to HISTORY_LIMIT per worker type in one transaction, under a
// per-worker-type advisory lock, so concurrent writers cannot leave more than the limit.
// Writes are idempotent: each row has a dedupe key (a launch's ClientToken, a terminated
// instance's id), so a retried activity adds nothing.
import type { HistoryEntry, PrismaClient } from '../generated/prisma/client';
import { Prisma } from '../generated/prisma/client';
import {
  HISTORY_LIMIT, historyMessage, type HistoryKind, type LaunchFailureRecord, type LaunchRecord,
} from '../domain/history';

export interface HistoryView {
  launches: HistoryEntry[];
  launchFailures: HistoryEntry[];
  terminations: HistoryEntry[];
}

export function createHistoryRepository(db: PrismaClient, limit = HISTORY_LIMIT) {
  /** Runs `insert` and prunes `kind` of `workerTypes` in one transaction, holding their locks (taken in name order). */
  async function addPruned(kind: HistoryKind, workerTypes: string[], insert: Prisma.PrismaPromise<unknown>): Promise<void> {
    const names = [...new Set(workerTypes)].sort();
    if (names.length === 0) return;
    await db.$transaction([
      db.$executeRaw`SELECT pg_advisory_xact_lock(k) FROM (
        SELECT hashtextextended('history/' || n, 0) AS k FROM unnest(${names}::text[]) AS n ORDER BY n) AS locks`,
      insert,
      db.$executeRaw`DELETE FROM "HistoryEntry" AS h USING (
          SELECT id, row_number() OVER (PARTITION BY "workerType" ORDER BY id DESC) AS rn
          FROM "HistoryEntry" WHERE kind = ${kind} AND "workerType" = ANY(${names}::text[])) AS old
        WHERE h.id = old.id AND old.rn > ${limit}`,
    ]);
  }

  return {
    async recordLaunch(workerType: string, r: LaunchRecord, at: Date): Promise<void> {
      await addPruned('launch', [workerType], db.historyEntry.createMany({
        data: [{
          workerType, kind: 'launch', at, region: r.region, zone: r.zone, instanceType: r.instanceType, market: r.market,
          instanceId: r.instanceId, dedupeKey: `launch/${r.clientToken}`,
        }],
        skipDuplicates: true,
      }));
    },

    /** `key` names the iteration that saw them (its time), so recording the same iteration again adds nothing. */
    async recordLaunchFailures(workerType: string, failures: readonly LaunchFailureRecord[], at: Date, key: string): Promise<void> {
      if (failures.length === 0) return;
      await addPruned('launch-failure', [workerType], db.historyEntry.createMany({
        data: failures.map((f, i) => ({
          workerType, kind: 'launch-failure', at, region: f.region, zone: f.zone, instanceType: f.instanceType, market: f.market,
          code: f.code.slice(0, 128), message: f.message === null ? null : historyMessage(f.message),
          dedupeKey: `launch-failure/${workerType}/${key}/${i}`.slice(0, 200),
        })),
        skipDuplicates: true,
      }));
    },

    /** The ledger rows of `instanceIds` give the worker type and offering; ids it does not know are skipped. */
    async recordTerminations(instanceIds: readonly string[], reason: string, at: Date): Promise<void> {
      if (instanceIds.length === 0) return;
      const ids = [...instanceIds];
      const owners = await db.instance.findMany({ where: { instanceId: { in: ids } }, select: { workerType: true }, distinct: ['workerType'] });
      await addPruned('termination', owners.map((o) => o.workerType), db.$executeRaw`
        INSERT INTO "HistoryEntry" ("workerType", kind, at, region, zone, "instanceType", market, "instanceId", message, "dedupeKey")
        SELECT "workerType", 'termination', ${at.toISOString()}::timestamptz, region, zone, "instanceType", market, "instanceId", ${historyMessage(reason)},
               'termination/' || "instanceId"
        FROM "Instance" WHERE "instanceId" = ANY(${ids}::text[]) ORDER BY "instanceId"
        ON CONFLICT ("dedupeKey") DO NOTHING`);
    },

    /** Deletes the history of worker types that no longer exist, where it was last added to before `before`. */
    async sweepRemoved(before: Date): Promise<number> {
      return db.$executeRaw`
        DELETE FROM "HistoryEntry" AS h
        WHERE NOT EXISTS (SELECT 1 FROM "WorkerType" AS w WHERE w.name = h."workerType")
          AND NOT EXISTS (SELECT 1 FROM "HistoryEntry" AS r WHERE r."workerType" = h."workerType" AND r.at >= ${before.toISOString()}::timestamptz)`;
    },

    /** Each kind newest first. */
    async list(workerType: string): Promise<HistoryView> {
      const rows = await db.historyEntry.findMany({ where: { workerType }, orderBy: { id: 'desc' } });
      const of = (kind: HistoryKind) => rows.filter((r) => r.kind === kind).slice(0, limit);
      return { launches: of('launch'), launchFailures: of('launch-failure'), terminations: of('termination') };
    },
  };
}

export type HistoryRepository = ReturnType<typeof createHistoryRepository>;
