// The region inventory: the only reader of EC2 instance state. One DescribeInstances sweep
// per region per interval (filtered by our Owner tag) updates the ledger for every worker
// type at once, and reaps instances that must not live on.
import { heartbeat, log } from '@temporalio/activity';
import { ownerFilter } from '../src/domain/instance-tags';
import { planInventoryPass, type InventoryPlan } from '../src/domain/inventory-pass';
import type { DefinitionFacts, LedgerRow } from '../src/domain/reaping';
import type { ActivityDeps } from './deps';

export interface InventorySummary {
  region: string; seen: number; updated: number; vanished: number; adopted: number; reaped: Record<string, number>;
  /** The worker's configured inventory and price intervals now, which the region loop follows (absent in old histories). */
  intervalMs?: number; priceIntervalMs?: number;
}

export function inventoryActivities(deps: ActivityDeps) {
  const { inventory, regionStatus, workerTypes, history } = deps.repos;
  const { settings } = deps;

  /** Terminates the reaped instances (their rows already marked), reason by reason; returns how many per reason. */
  async function reap(region: string, groups: InventoryPlan['reap']): Promise<Record<string, number>> {
    const reaped: Record<string, number> = {};
    for (const { reason, instanceIds } of groups) {
      await deps.ec2.terminateInstances(region, instanceIds);
      await history.recordTerminations(instanceIds, reason, deps.now());
      reaped[reason] = instanceIds.length;
      deps.metrics.reaped.inc({ region, reason }, instanceIds.length);
      log.warn('instances reaped', { region, reason, count: instanceIds.length });
    }
    return reaped;
  }

  /** Instances gone from EC2 that we did not terminate (spot interruptions, someone else) join the history. */
  async function recordVanished(rows: readonly LedgerRow[], vanished: InventoryPlan['vanished']): Promise<void> {
    const instanceOf = new Map(rows.filter((r) => r.instanceId && !r.terminationReason).map((r) => [r.clientToken, r.instanceId!]));
    const ids = vanished.map((v) => instanceOf.get(v.clientToken)).filter((id): id is string => id !== undefined);
    await history.recordTerminations(ids, 'gone from EC2', deps.now());
  }

  return {
    async refreshRegion(region: string): Promise<InventorySummary> {
      const now = deps.now();
      await regionStatus.recordAttempt(region, now);
      const sightings = await deps.ec2.describeInstancesByTag(region, ownerFilter(settings.provisionerId));
      heartbeat({ region });
      const rows = await inventory.liveRows(region);
      const definitions = new Map<string, DefinitionFacts>((await workerTypes.summaries()).map((d) => [d.name, d]));
      const plan = planInventoryPass({
        provisionerId: settings.provisionerId, region, sightings, rows, definitions, limits: settings, now: now.getTime(),
      });
      const toTerminate = await inventory.applyPass(plan, now);
      await recordVanished(rows, plan.vanished);
      const reaped = await reap(region, toTerminate);
      const done = deps.now();
      await regionStatus.recordSuccess(region, done);
      deps.metrics.inventoryDone(region, done.getTime());
      return {
        region, seen: sightings.length, updated: plan.sightings.length, vanished: plan.vanished.length,
        adopted: plan.adoptions.length, reaped,
        intervalMs: settings.loop.inventoryIntervalMs, priceIntervalMs: settings.loop.spotPriceIntervalMs,
      };
    },

    /** Records a failed inventory pass, for backendStatus. */
    async recordRegionError(req: { region: string; error: string }): Promise<void> {
      const error = req.error.slice(0, 500);
      await regionStatus.recordError(req.region, error);
    },
  };
}
