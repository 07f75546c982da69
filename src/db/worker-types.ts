// Worker type rows <-> domain definitions. Writes are single statements, so concurrent
// API replicas never interleave a partial definition. With an outbox, each committed change
// also writes its Pulse event in the same transaction (see ./event-outbox.ts).
import type { PrismaClient } from '../generated/prisma/client';
import { Prisma } from '../generated/prisma/client';
import type { WorkerType, WorkerTypeDefinition } from '../domain/worker-type';
import { sameDefinition } from '../domain/definition-compare';
import type { ExchangeName } from '../events/exchanges';
import { OUTBOX_TRANSACTION, type OutboxHook } from './event-outbox';
import { sqlPool } from './client';
import { createHotReads, type DefinitionRow } from './hot-reads';

export interface VersionedWorkerType { workerType: WorkerType; revision: number }

/** A definition as the region loops see it (see summaries). */
export interface DefinitionSummary {
  name: string; generation: string; instanceTypes: WorkerType['instanceTypes']; regions: WorkerType['regions'];
}

export type CreateOutcome =
  | { outcome: 'created'; workerType: WorkerType }
  | { outcome: 'unchanged'; workerType: WorkerType }
  | { outcome: 'conflict'; workerType: WorkerType };

/** Fills the optional fields with their documented defaults. */
function withDefaults(def: WorkerTypeDefinition): Required<WorkerTypeDefinition> {
  return {
    ...def,
    minCapacity: def.minCapacity ?? 0,
    canUseOndemand: def.canUseOndemand ?? false,
    canUseSpot: def.canUseSpot ?? true,
    availabilityZones: def.availabilityZones ?? [],
  };
}

/** An update keeps the stored values of the optional fields the body leaves out. */
export function mergeUpdate(existing: WorkerType, body: WorkerTypeDefinition): WorkerTypeDefinition {
  return {
    ...body,
    minCapacity: body.minCapacity ?? existing.minCapacity,
    canUseOndemand: body.canUseOndemand ?? existing.canUseOndemand,
    canUseSpot: body.canUseSpot ?? existing.canUseSpot,
    availabilityZones: body.availabilityZones ?? existing.availabilityZones,
  };
}

/** Every definition field has its column: a field added to the definition fails to compile until it is stored. */
function toColumns(def: Required<WorkerTypeDefinition>) {
  return {
    description: def.description, owner: def.owner,
    minCapacity: def.minCapacity, maxCapacity: def.maxCapacity, scalingRatio: def.scalingRatio,
    minPrice: def.minPrice, maxPrice: def.maxPrice,
    canUseOndemand: def.canUseOndemand, canUseSpot: def.canUseSpot,
    launchSpec: def.launchSpec as Prisma.InputJsonObject,
    userData: def.userData as Prisma.InputJsonObject,
    secrets: def.secrets as Prisma.InputJsonObject,
    scopes: def.scopes,
    instanceTypes: def.instanceTypes as unknown as Prisma.InputJsonArray,
    regions: def.regions as unknown as Prisma.InputJsonArray,
    availabilityZones: def.availabilityZones as unknown as Prisma.InputJsonArray,
  } satisfies Record<keyof WorkerTypeDefinition, unknown>;
}

/** Every field is read back: `Required` makes a forgotten optional field a compile error too. */
export function fromRow(row: DefinitionRow): WorkerType {
  const workerType: Required<WorkerType> = {
    workerType: row.name,
    lastModified: row.lastModified.toISOString(),
    description: row.description, owner: row.owner,
    minCapacity: row.minCapacity, maxCapacity: row.maxCapacity, scalingRatio: row.scalingRatio,
    minPrice: row.minPrice, maxPrice: row.maxPrice,
    canUseOndemand: row.canUseOndemand, canUseSpot: row.canUseSpot,
    launchSpec: row.launchSpec as WorkerType['launchSpec'],
    userData: row.userData as WorkerType['userData'],
    secrets: row.secrets as WorkerType['secrets'],
    scopes: row.scopes,
    instanceTypes: row.instanceTypes as unknown as WorkerType['instanceTypes'],
    regions: row.regions as unknown as WorkerType['regions'],
    availabilityZones: row.availabilityZones as unknown as Required<WorkerType>['availabilityZones'],
  };
  return workerType;
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

type Writer = Prisma.TransactionClient;

/**
 * `outbox` given: every create, update and remove that changes a row also adds its event to
 * the outbox, in the same transaction, and `outbox.committed()` is called once it committed.
 * Absent: no event is written.
 */
export function createWorkerTypeRepository(db: PrismaClient, outbox?: OutboxHook) {
  const hot = createHotReads(sqlPool(db));
  /** Runs the single-statement `write`; when it changed something and events are on, its event commits with it. */
  async function changing<T>(exchange: ExchangeName, name: string, write: (w: Writer) => Promise<T>, changed: (r: T) => boolean): Promise<T> {
    if (!outbox) return write(db);
    const result = await db.$transaction(async (tx) => {
      const r = await write(tx);
      if (changed(r)) await tx.eventOutbox.create({ data: { exchange, workerType: name } });
      return r;
    }, OUTBOX_TRANSACTION);
    if (changed(result)) outbox.committed();
    return result;
  }

  return {
    /** A hot read (./hot-reads.ts): one statement, no Prisma runtime. */
    async get(name: string): Promise<WorkerType | null> {
      const row = await hot.workerType(name);
      return row ? fromRow(row) : null;
    },

    /** The worker type and its revision, which `update` compares before writing. */
    async getVersioned(name: string): Promise<VersionedWorkerType | null> {
      const row = await db.workerType.findUnique({ where: { name } });
      return row ? { workerType: fromRow(row), revision: row.revision } : null;
    },

    /** The first `limit` names (all when undefined), in name order. */
    async listNames(limit?: number): Promise<string[]> {
      return hot.names(limit);
    },

    /** The worker type with the generation its launches record (see Instance.generation). */
    async getForLaunch(name: string): Promise<{ workerType: WorkerType; generation: string } | null> {
      const row = await db.workerType.findUnique({ where: { name } });
      return row ? { workerType: fromRow(row), generation: row.generation } : null;
    },

    /** What the region loops read of every definition: no launch specs, user data or secrets. */
    async summaries(): Promise<DefinitionSummary[]> {
      const rows = await db.workerType.findMany({ select: { name: true, generation: true, instanceTypes: true, regions: true } });
      return rows.map((r) => ({
        name: r.name, generation: r.generation,
        instanceTypes: r.instanceTypes as unknown as WorkerType['instanceTypes'],
        regions: r.regions as unknown as WorkerType['regions'],
      }));
    },

    /** The first `limit` worker types (all when undefined), in name order. */
    async list(limit?: number): Promise<WorkerType[]> {
      return (await db.workerType.findMany({ orderBy: { name: 'asc' }, take: limit })).map(fromRow);
    },

    /** Idempotent: same definition -> unchanged; different definition -> conflict (nothing written). */
    async create(name: string, def: WorkerTypeDefinition, now: Date): Promise<CreateOutcome> {
      const full = withDefaults(def);
      try {
        const row = await changing('worker-type-created', name,
          (w) => w.workerType.create({ data: { name, lastModified: now, ...toColumns(full) } }), () => true);
        return { outcome: 'created', workerType: fromRow(row) };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const existing = await this.get(name);
      if (!existing) return this.create(name, def, now);
      const same = sameDefinition(existing as unknown as Record<string, unknown>, full as unknown as Record<string, unknown>);
      return { outcome: same ? 'unchanged' : 'conflict', workerType: existing };
    },

    /**
     * Compare-and-set: stores `def` in one statement only if the row still has `revision` (the
     * one `def` was merged from, see getVersioned and mergeUpdate), and bumps the revision.
     * Optional fields `def` leaves out take their defaults. Null when nothing was written: the
     * worker type is absent, or a concurrent update changed it since it was read.
     */
    async update(name: string, def: WorkerTypeDefinition, now: Date, revision: number): Promise<WorkerType | null> {
      const merged = withDefaults(def);
      const result = await changing('worker-type-updated', name, (w) => w.workerType.updateManyAndReturn({
        where: { name, revision },
        data: { ...toColumns(merged), lastModified: now, revision: { increment: 1 } },
      }), (rows) => rows.length > 0);
      return result[0] ? fromRow(result[0]) : null;
    },

    /**
     * True when a row was deleted. The worker type's unclaimed one-time secrets go in the same
     * transaction: no instance may obtain credentials for a worker type that no longer exists.
     */
    async remove(name: string): Promise<boolean> {
      const removed = await changing('worker-type-removed', name, (w) => w.$queryRaw<{ removed: number }[]>`
        WITH wt AS (DELETE FROM "WorkerType" WHERE name = ${name} RETURNING name),
             s AS (DELETE FROM "Secret" WHERE "workerType" = ${name})
        SELECT count(*)::int AS removed FROM wt`, (rows) => (rows[0]?.removed ?? 0) > 0);
      return (removed[0]?.removed ?? 0) > 0;
    },
  };
}

export type WorkerTypeRepository = ReturnType<typeof createWorkerTypeRepository>;
