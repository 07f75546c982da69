// Terminations. Idempotent: the ledger is marked first, and EC2 treats an instance that is
// already gone as success.
import { heartbeat, log } from '@temporalio/activity';
import { ownerFilter, workerTypeFilter } from '../src/domain/instance-tags';
import type { ActivityDeps } from './deps';

export interface InstanceRef { instanceId: string; region: string }

function byRegion(instances: readonly InstanceRef[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { instanceId, region } of instances) groups.set(region, [...(groups.get(region) ?? []), instanceId]);
  return groups;
}

export function terminateActivities(deps: ActivityDeps) {
  const { ledger } = deps.repos;

  async function terminate(instances: readonly InstanceRef[], reason: string, onlyUnstarted = false): Promise<number> {
    if (onlyUnstarted) {
      const still = new Set(await ledger.markUnregisteredTerminating(instances.map((i) => i.instanceId), reason));
      instances = instances.filter((i) => still.has(i.instanceId));
    } else {
      await ledger.markTerminating(instances.map((i) => i.instanceId), reason);
    }
    for (const [region, ids] of byRegion(instances)) {
      await deps.ec2.terminateInstances(region, ids);
      heartbeat({ region });
    }
    await deps.repos.history.recordTerminations(instances.map((i) => i.instanceId), reason, deps.now());
    if (instances.length > 0) log.info('instances terminated', { count: instances.length, reason });
    return instances.length;
  }

  return {
    /** With `onlyUnstarted` (scale-down; the wire name is kept), instances that registered meanwhile are spared. */
    async terminateInstances(req: { instances: InstanceRef[]; reason: string; onlyUnstarted?: boolean }): Promise<number> {
      return terminate(req.instances, req.reason, req.onlyUnstarted ?? false);
    },

    /**
     * Every instance of a worker type: those in the ledger and, so that nothing escapes,
     * those EC2 reports with its WorkerType tag in any allowed region.
     */
    async terminateAllOfWorkerType(req: { workerType: string; reason: string }): Promise<number> {
      const known = await ledger.liveInstances(req.workerType);
      const tag = workerTypeFilter(deps.settings.provisionerId, req.workerType);
      const found: InstanceRef[] = [];
      for (const region of deps.settings.allowedRegions) {
        const snapshots = await deps.ec2.describeInstancesByTag(region, tag, ['pending', 'running', 'stopping', 'stopped']);
        found.push(...snapshots.map((s) => ({ instanceId: s.instanceId, region })));
        heartbeat({ region });
      }
      const all = new Map([...known, ...found].map((i) => [i.instanceId, i]));
      const count = await terminate([...all.values()], req.reason);
      if (count > 0) deps.metrics.terminations.inc({ worker_type: req.workerType, reason: req.reason }, count);
      return count;
    },

    /** Every instance carrying our Owner tag in one region, orphans included. */
    async sweepRegion(req: { region: string; reason: string }): Promise<number> {
      const snapshots = await deps.ec2.describeInstancesByTag(
        req.region, ownerFilter(deps.settings.provisionerId), ['pending', 'running', 'stopping', 'stopped'],
      );
      return terminate(snapshots.map((s) => ({ instanceId: s.instanceId, region: req.region })), req.reason);
    },
  };
}
