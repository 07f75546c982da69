// The region inventory: the only reader of EC2 instance state. One DescribeInstances sweep
// per region per interval (filtered by our Owner tag) updates the ledger for every worker
// type at once, and reaps instances that must not live on.
import { heartbeat, log } from '@temporalio/activity';
import type { InstanceSnapshot } from '../src/aws/ec2-gateway';
import { createLedger, ledgerState } from '../src/db/ledger';
import type { Instance } from '../src/generated/prisma/client';
import { capacityOfType, type InstanceTypeEntry } from '../src/domain/worker-type';
import type { ActivityDeps } from './deps';

/**
 * EC2 reads are eventually consistent: an instance no describe has shown yet may simply not
 * be visible so soon after RunInstances. Once a pass has seen it, missing means gone.
 */
const NOT_YET_VISIBLE_GRACE_MS = 3 * 60_000;

export interface InventorySummary {
  region: string; seen: number; updated: number; vanished: number; adopted: number; reaped: Record<string, number>;
  /** The worker's configured inventory and price intervals now, which the region loop follows (absent in old histories). */
  intervalMs?: number; priceIntervalMs?: number;
}

type Verdict = 'rogue' | 'zombie' | 'unregistered' | 'stopped' | null;

/** What the inventory needs of each existing definition. */
interface DefinitionFacts { instanceTypes: InstanceTypeEntry[]; generation: string }

/** EC2's state moves a row on, but never back from `stopping` (we asked for its termination). */
function nextState(current: string, ec2State: string): string {
  const next = ledgerState(ec2State);
  return current === 'stopping' && (next === 'pending' || next === 'running') ? 'stopping' : next;
}

export function inventoryActivities(deps: ActivityDeps) {
  const ledger = createLedger(deps.db);
  const { settings } = deps;

  function verdict(s: InstanceSnapshot, row: Instance | undefined, definitions: Map<string, DefinitionFacts>, now: number): Verdict {
    const name = (s.tags.WorkerType ?? '').replace(`${settings.provisionerId}/`, '');
    const launched = Date.parse(s.launchTime);
    const definition = definitions.get(name);
    if (!definition) return 'rogue';
    // Launched for an earlier creation of its worker type: it belongs to a definition that was
    // removed, even though one of the same name exists again.
    if (row?.generation && row.generation !== definition.generation) return 'rogue';
    // Our instances are never stopped on purpose; a stopped one only keeps its volumes billing.
    if (s.state === 'stopped') return 'stopped';
    if (now - launched > settings.maxInstanceLifetimeMs) return 'zombie';
    // The timeout runs from EC2's launch time; a registered instance (its secret claimed) is never reaped for it.
    if (row && !row.registered && now - launched > settings.registrationTimeoutMs) return 'unregistered';
    return null;
  }

  async function adopt(s: InstanceSnapshot, definitions: Map<string, DefinitionFacts>, now: Date): Promise<void> {
    const name = (s.tags.WorkerType ?? '').replace(`${settings.provisionerId}/`, '');
    await deps.db.instance.upsert({
      where: { clientToken: s.clientToken || `adopted:${s.instanceId}` },
      create: {
        clientToken: s.clientToken || `adopted:${s.instanceId}`, instanceId: s.instanceId, workerType: name, region: s.region,
        zone: s.zone, instanceType: s.instanceType, capacity: capacityOfType({ instanceTypes: definitions.get(name)?.instanceTypes ?? [] }, s.instanceType),
        market: s.spot ? 'spot' : 'on-demand', price: 0, state: ledgerState(s.state), launched: new Date(s.launchTime), lastSeen: now,
      },
      update: { instanceId: s.instanceId, state: ledgerState(s.state), lastSeen: now },
    });
  }

  /** Rows matched to an instance in this pass (`matched`, by client token) are never vanished. */
  async function markVanished(rows: Instance[], seen: Set<string>, matched: Set<string>, now: Date): Promise<number> {
    const age = (r: Instance) => now.getTime() - r.launched.getTime();
    const vanished = rows.filter((r) => {
      if (matched.has(r.clientToken)) return false;
      if (!r.instanceId) return age(r) > settings.requestedTimeoutMs;
      if (seen.has(r.instanceId)) return false;
      return r.lastSeen !== null || age(r) > NOT_YET_VISIBLE_GRACE_MS;
    });
    for (const r of vanished) {
      await deps.db.instance.update({
        where: { clientToken: r.clientToken },
        data: { state: 'terminated', terminationReason: r.terminationReason ?? (r.instanceId ? 'gone from EC2' : 'launch never appeared in EC2') },
      });
    }
    return vanished.length;
  }

  return {
    async refreshRegion(region: string): Promise<InventorySummary> {
      const now = deps.now();
      await deps.db.regionStatus.upsert({ where: { region }, create: { region, lastAttemptAt: now }, update: { lastAttemptAt: now } });
      const snapshots = await deps.ec2.describeInstancesByTag(region, { key: 'Owner', value: settings.provisionerId });
      heartbeat({ region });
      const rows = await deps.db.instance.findMany({ where: { region, state: { not: 'terminated' } } });
      const byId = new Map(rows.filter((r) => r.instanceId).map((r) => [r.instanceId!, r]));
      const byToken = new Map(rows.map((r) => [r.clientToken, r]));
      const definitions = new Map((await deps.db.workerType.findMany({ select: { name: true, instanceTypes: true, generation: true } }))
        .map((d) => [d.name, { instanceTypes: d.instanceTypes as unknown as InstanceTypeEntry[], generation: d.generation }]));
      const summary: InventorySummary = {
        region, seen: snapshots.length, updated: 0, vanished: 0, adopted: 0, reaped: {},
        intervalMs: settings.loop.inventoryIntervalMs, priceIntervalMs: settings.loop.spotPriceIntervalMs,
      };
      const reap = new Map<string, string[]>();
      const matched = new Set<string>();
      for (const s of snapshots) {
        const row = byId.get(s.instanceId) ?? (s.clientToken ? byToken.get(s.clientToken) : undefined);
        if (row) {
          matched.add(row.clientToken);
          await deps.db.instance.update({
            where: { clientToken: row.clientToken },
            data: { instanceId: s.instanceId, zone: s.zone, state: nextState(row.state, s.state), lastSeen: now },
          });
          summary.updated++;
        } else if (s.state !== 'terminated' && definitions.has((s.tags.WorkerType ?? '').replace(`${settings.provisionerId}/`, ''))) {
          await adopt(s, definitions, now);
          summary.adopted++;
        }
        if (s.state !== 'pending' && s.state !== 'running' && s.state !== 'stopped') continue;
        const v = verdict(s, row, definitions, now.getTime());
        if (v) reap.set(v, [...(reap.get(v) ?? []), s.instanceId]);
      }
      summary.vanished = await markVanished(rows, new Set(snapshots.map((s) => s.instanceId)), matched, now);
      for (const [reason, chosen] of reap) {
        // An instance that registers after it was judged unregistered is spared.
        const ids = reason === 'unregistered' ? await ledger.markUnregisteredTerminating(chosen, reason) : chosen;
        if (reason !== 'unregistered') await ledger.markTerminating(ids, reason);
        if (ids.length === 0) continue;
        await deps.ec2.terminateInstances(region, ids);
        summary.reaped[reason] = ids.length;
        log.warn('instances reaped', { region, reason, count: ids.length });
      }
      await deps.db.regionStatus.update({ where: { region }, data: { lastSuccessAt: deps.now(), lastError: null } });
      return summary;
    },

    /** Records a failed inventory pass, for backendStatus. */
    async recordRegionError(req: { region: string; error: string }): Promise<void> {
      const error = req.error.slice(0, 500);
      await deps.db.regionStatus.upsert({ where: { region: req.region }, create: { region: req.region, lastError: error }, update: { lastError: error } });
    },
  };
}
