// Reads everything one provisioning iteration needs, in one activity: the definition, the
// ledger's capacity, instances that could be scaled down, zones, recent spot prices and the
// stored on-demand prices of its types in its regions: two statements, the definition and the rest.
// No EC2 calls: regions are read by the region inventory loops only.
import type { Observation } from '../src/domain/observation';
import { planningView } from '../src/domain/planning-definition';
import type { ActivityDeps } from './deps';

/** The activity's result type; its home is src/domain/observation.ts. */
export type { Observation };

export function observeActivities(deps: ActivityDeps) {
  const { workerTypes, observationReads } = deps.repos;
  return {
    /** null when the worker type no longer exists. */
    async observeWorkerType(workerType: string): Promise<Observation | null> {
      const stored = await workerTypes.get(workerType);
      if (!stored) return null;
      const definition = planningView(stored);
      const regions = definition.regions.map((r) => r.region).filter((r) => deps.settings.allowedRegions.includes(r));
      const types = definition.instanceTypes.map((t) => t.instanceType);
      const now = deps.now().getTime();
      const { capacity, unregistered, zones, spotQuotes, onDemandQuotes } = await observationReads.read({
        workerType, regions, instanceTypes: types,
        spotSince: new Date(now - deps.settings.spotPriceMaxAgeMs), onDemandSince: new Date(now - deps.settings.onDemandPriceMaxAgeMs),
      });
      return {
        definition, capacity, unstarted: unregistered, zones, spotQuotes, onDemandQuotes,
        settings: {
          intervalMs: deps.settings.loop.iterationIntervalMs, cooldownMs: deps.settings.loop.capacityCooldownMs,
          allowedRegions: [...deps.settings.allowedRegions],
        },
      };
    },

    /** Names of every worker type (for fan-out by the shutdown workflow and reconcilers). */
    async listWorkerTypeNames(): Promise<string[]> {
      return workerTypes.listNames();
    },
  };
}
