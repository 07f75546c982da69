// The region inventory's writes to the instance ledger. A pass costs a fixed number of
// statements whatever the number of instances, all in one transaction: one for the rows a
// sighting changed, one for the adopted instances, one for the rows written off, one for the
// rows of reaped instances; each is skipped when it has nothing to write. Rows a pass finds
// unchanged are not written at all (the pure pass leaves them out of its plan).
import type { Instance, Prisma, PrismaClient } from '../generated/prisma/client';
import type { LedgerState } from '../domain/capacity-states';
import type { InventoryPlan } from '../domain/inventory-pass';
import type { LedgerRow } from '../domain/reaping';

type Tx = Prisma.TransactionClient;
type ReapGroups = InventoryPlan['reap'];

function toLedgerRow(r: Instance): LedgerRow {
  return {
    clientToken: r.clientToken, instanceId: r.instanceId, workerType: r.workerType, zone: r.zone,
    // The column only ever holds the ledger's states (see ledgerState).
    state: r.state as LedgerState,
    registered: r.registered !== null, generation: r.generation,
    launchedAt: r.launched.getTime(), lastSeenAt: r.lastSeen?.getTime() ?? null, terminationReason: r.terminationReason,
  };
}

/**
 * Each changed row takes the sighting's instance id, zone and state, and `lastSeen` becomes
 * `at` (it tells a row some pass has seen from one EC2 may not show yet, and keeps
 * terminated instances in `state` for an hour after a pass first saw them terminated).
 */
async function recordSightings(tx: Tx, sightings: InventoryPlan['sightings'], at: Date): Promise<void> {
  if (sightings.length === 0) return;
  await tx.$executeRaw`
    UPDATE "Instance" AS i
    SET "instanceId" = s."instanceId", zone = s.zone, state = s.state, "lastSeen" = ${at.toISOString()}::timestamptz
    FROM unnest(${sightings.map((s) => s.clientToken)}::text[], ${sightings.map((s) => s.instanceId)}::text[],
                ${sightings.map((s) => s.zone)}::text[], ${sightings.map((s) => s.state)}::text[])
      AS s("clientToken", "instanceId", zone, state)
    WHERE i."clientToken" = s."clientToken"`;
}

/** Idempotent (an upsert by ClientToken): an instance found again keeps its row. */
async function adopt(tx: Tx, adoptions: InventoryPlan['adoptions'], at: Date): Promise<void> {
  if (adoptions.length === 0) return;
  const column = <K extends keyof InventoryPlan['adoptions'][number]>(k: K) => adoptions.map((a) => a[k]);
  await tx.$executeRaw`
    INSERT INTO "Instance" ("clientToken", "instanceId", "workerType", region, zone, "instanceType", capacity, market,
                            state, launched, price, "lastSeen")
    SELECT a.*, 0, ${at.toISOString()}::timestamptz
    FROM unnest(${column('clientToken')}::text[], ${column('instanceId')}::text[], ${column('workerType')}::text[],
                ${column('region')}::text[], ${column('zone')}::text[], ${column('instanceType')}::text[],
                ${column('capacity')}::int[], ${column('market')}::text[], ${column('state')}::text[],
                ${adoptions.map((a) => new Date(a.launchedAt).toISOString())}::timestamptz[])
      AS a("clientToken", "instanceId", "workerType", region, zone, "instanceType", capacity, market, state, launched)
    ON CONFLICT ("clientToken") DO UPDATE
    SET "instanceId" = EXCLUDED."instanceId", state = EXCLUDED.state, "lastSeen" = EXCLUDED."lastSeen"`;
}

/** Marks the rows terminated with their reasons. */
async function markVanished(tx: Tx, rows: InventoryPlan['vanished']): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    UPDATE "Instance" AS i SET state = 'terminated', "terminationReason" = v.reason
    FROM unnest(${rows.map((r) => r.clientToken)}::text[], ${rows.map((r) => r.reason)}::text[]) AS v("clientToken", reason)
    WHERE i."clientToken" = v."clientToken"`;
}

/**
 * Marks the rows of the reaped instances `stopping` with their reason, and returns the groups
 * to terminate: every instance of a group, rows or not (a rogue instance has none), except
 * that an instance judged `unregistered` whose row registered since is spared. Retries see
 * the rows they marked themselves (still unregistered).
 */
async function markReaped(tx: Tx, groups: ReapGroups): Promise<ReapGroups> {
  if (groups.length === 0) return [];
  const unregistered = groups.find((g) => g.reason === 'unregistered')?.instanceIds ?? [];
  const pairs = groups.flatMap((g) => g.instanceIds.map((id) => [id, g.reason] as const));
  const marked = await tx.$queryRaw<{ instanceId: string }[]>`
    UPDATE "Instance" AS i SET state = 'stopping', "terminationReason" = r.reason
    FROM unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS r("instanceId", reason)
    WHERE i."instanceId" = r."instanceId" AND i.state <> 'terminated' AND (r.reason <> 'unregistered' OR i.registered IS NULL)
    RETURNING i."instanceId"`;
  const stillUnregistered = new Set(marked.map((r) => r.instanceId));
  const spared = new Set(unregistered.filter((id) => !stillUnregistered.has(id)));
  return groups
    .map((g) => (g.reason === 'unregistered' ? { ...g, instanceIds: g.instanceIds.filter((id) => !spared.has(id)) } : g))
    .filter((g) => g.instanceIds.length > 0);
}

export function createInventoryRepository(db: PrismaClient) {
  return {
    /** The region's rows that are not terminated. */
    async liveRows(region: string): Promise<LedgerRow[]> {
      return (await db.instance.findMany({ where: { region, state: { not: 'terminated' } } })).map(toLedgerRow);
    },

    /**
     * Writes a pass's plan in one transaction (sightings, adoptions, write-offs, then the reaped
     * rows, in that order) and returns the instances to terminate, by reason (see markReaped).
     * EC2 is called after the commit, by the caller: no transaction waits on the network.
     */
    async applyPass(plan: InventoryPlan, at: Date): Promise<ReapGroups> {
      const writes = plan.sightings.length + plan.adoptions.length + plan.vanished.length + plan.reap.length;
      if (writes === 0) return [];
      return db.$transaction(async (tx) => {
        await recordSightings(tx, plan.sightings, at);
        await adopt(tx, plan.adoptions, at);
        await markVanished(tx, plan.vanished);
        return markReaped(tx, plan.reap);
      });
    },
  };
}

export type InventoryRepository = ReturnType<typeof createInventoryRepository>;
