// AMI set rows. Create is idempotent on `amis`; update replaces them and bumps lastModified.
import type { AmiSet as AmiSetRow, PrismaClient } from '../generated/prisma/client';
import type { Prisma } from '../generated/prisma/client';
import { jsonEqual } from '../domain/definition-compare';
import { isUniqueViolation } from './worker-types';

export interface AmiEntry { region: string; hvm: string; pv: string }
export interface AmiSet { id: string; amis: AmiEntry[]; lastModified: string }

const fromRow = (row: AmiSetRow): AmiSet => ({
  id: row.id, amis: row.amis as unknown as AmiEntry[], lastModified: row.lastModified.toISOString(),
});

export function createAmiSetRepository(db: PrismaClient) {
  return {
    async get(id: string): Promise<AmiSet | null> {
      const row = await db.amiSet.findUnique({ where: { id } });
      return row ? fromRow(row) : null;
    },

    /** The first `limit` ids (all when undefined), in id order. */
    async listIds(limit?: number): Promise<string[]> {
      return (await db.amiSet.findMany({ select: { id: true }, orderBy: { id: 'asc' }, take: limit })).map((r) => r.id);
    },

    async create(id: string, amis: AmiEntry[], now: Date): Promise<'created' | 'unchanged' | 'conflict'> {
      try {
        await db.amiSet.create({ data: { id, amis: amis as unknown as Prisma.InputJsonArray, lastModified: now } });
        return 'created';
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const existing = await this.get(id);
      if (!existing) return this.create(id, amis, now);
      return jsonEqual(existing.amis, amis) ? 'unchanged' : 'conflict';
    },

    async update(id: string, amis: AmiEntry[], now: Date): Promise<AmiSet | null> {
      const rows = await db.amiSet.updateManyAndReturn({
        where: { id }, data: { amis: amis as unknown as Prisma.InputJsonArray, lastModified: now },
      });
      return rows[0] ? fromRow(rows[0]) : null;
    },

    async remove(id: string): Promise<boolean> {
      return (await db.amiSet.deleteMany({ where: { id } })).count > 0;
    },
  };
}

export type AmiSetRepository = ReturnType<typeof createAmiSetRepository>;
