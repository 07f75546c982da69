// Reads everything one provisioning iteration needs, in one activity: the definition, the
// ledger's capacity, instances that could be scaled down, zones and recent spot prices.
// No EC2 calls: regions are read by the region inventory loops only.
import { fromRow } from '../src/db/worker-types';
import { createLedger } from '../src/db/ledger';
import type { LedgerCapacity } from '../src/domain/capacity-states';
import type { UnregisteredInstance } from '../src/domain/iteration-plan';
import type { SpotQuote } from '../src/domain/offerings';
import { planningView, type PlanningDefinition } from '../src/domain/planning-definition';
import type { ActivityDeps } from './deps';

export interface Observation {
  /** Only what decisions read (see planningView): the history never holds launch specs, user data or secrets. */
  definition: Required<PlanningDefinition>;
  capacity: LedgerCapacity;
  /** Instances that have not registered (the wire name is kept for recorded histories). */
  unstarted: UnregisteredInstance[];
  zones: Record<string, string[]>;
  spotQuotes: SpotQuote[];
  /**
   * The worker's configuration now, which the loop follows from this iteration on. Absent in
   * observations recorded before it existed: the loop then keeps its start input.
   */
  settings?: { intervalMs: number; cooldownMs: number; allowedRegions: string[] };
}

export function observeActivities(deps: ActivityDeps) {
  const ledger = createLedger(deps.db);
  return {
    /** null when the worker type no longer exists. */
    async observeWorkerType(workerType: string): Promise<Observation | null> {
      const row = await deps.db.workerType.findUnique({ where: { name: workerType } });
      if (!row) return null;
      const definition = planningView(fromRow(row));
      const regions = definition.regions.map((r) => r.region).filter((r) => deps.settings.allowedRegions.includes(r));
      const types = definition.instanceTypes.map((t) => t.instanceType);
      const since = new Date(deps.now().getTime() - deps.settings.spotPriceMaxAgeMs);
      const [capacity, unstarted, statuses, prices] = await Promise.all([
        ledger.capacity(workerType),
        ledger.unregistered(workerType),
        deps.db.regionStatus.findMany({ where: { region: { in: regions } } }),
        deps.db.spotPrice.findMany({ where: { region: { in: regions }, instanceType: { in: types }, fetchedAt: { gte: since } } }),
      ]);
      return {
        definition, capacity, unstarted,
        zones: Object.fromEntries(statuses.map((s) => [s.region, s.zones])),
        spotQuotes: prices.map((p) => ({ region: p.region, zone: p.zone, instanceType: p.instanceType, price: p.price })),
        settings: {
          intervalMs: deps.settings.loop.iterationIntervalMs, cooldownMs: deps.settings.loop.capacityCooldownMs,
          allowedRegions: [...deps.settings.allowedRegions],
        },
      };
    },

    /** Names of every worker type (for fan-out by the shutdown workflow and reconcilers). */
    async listWorkerTypeNames(): Promise<string[]> {
      return (await deps.db.workerType.findMany({ select: { name: true }, orderBy: { name: 'asc' } })).map((r) => r.name);
    },
  };
}
