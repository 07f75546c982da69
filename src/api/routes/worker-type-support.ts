// Shared steps of the worker type routes: validation (schema rules, launch specs, EC2
// existence checks) and waking the provisioning workflow.
import { Ec2Error } from '../../aws/errors';
import { launchTargets } from '../../domain/launch-targets';
import type { WorkerType, WorkerTypeDefinition } from '../../domain/worker-type';
import { workerTypeProblems } from '../../domain/worker-type-rules';
import { mergeUpdate } from '../../db/worker-types';
import { ApiError, conflict, notFound } from '../errors';
import type { ApiServices } from '../services';

export function launchContext(services: ApiServices) {
  const { config } = services;
  return { provisionerId: config.provisionerId, provisionerBaseUrl: `${config.publicUrl}/v1`, rootUrl: config.taskclusterRootUrl };
}

/**
 * Throws 400 naming every problem, or 503 when EC2 cannot be asked. Stores nothing. Builds
 * the launch specs once (in workerTypeProblems); what EC2 is asked about is read from the
 * definition's levels.
 */
export async function assertLaunchable(name: string, def: WorkerTypeDefinition, services: ApiServices): Promise<void> {
  const reasons = workerTypeProblems(name, def, services.config.allowedRegions, launchContext(services));
  if (reasons.length === 0) {
    try {
      reasons.push(...await services.launchability.problems(launchTargets(def)));
    } catch (err) {
      if (!(err instanceof Ec2Error)) throw err;
      services.logger.warn({ code: err.code, kind: err.kind }, 'EC2 unavailable for definition checks');
      throw new ApiError('ServiceUnavailable', `Cannot check AMIs, security groups and key pairs with EC2 right now (${err.code}); retry later.`);
    }
  }
  if (reasons.length > 0) throw new ApiError('InputError', `Invalid workerType: ${reasons.join('; ')}`);
}

/**
 * Wakes (or starts) the worker type's loop. Best effort: when Temporal is unreachable the
 * definition is stored anyway and the worker's reconciler starts the loop later.
 */
export async function notifyLoop(name: string, change: 'changed' | 'removed', services: ApiServices, regions: string[] = []): Promise<void> {
  const calls = change === 'changed'
    ? [services.workflows.workerTypeChanged(name), services.workflows.refreshRegions(regions.filter((r) => services.config.allowedRegions.includes(r)))]
    : [services.workflows.workerTypeRemoved(name)];
  for (const result of await Promise.allSettled(calls)) {
    if (result.status === 'rejected') {
      services.logger.warn({ workerType: name, err: result.reason }, 'could not signal a workflow; the reconciler will start it');
    }
  }
}

export async function getOr404(name: string, services: ApiServices) {
  const workerType = await services.workerTypes.get(name);
  if (!workerType) throw notFound(`Worker type ${name}`);
  return workerType;
}

/**
 * Attempts of one update before it is refused. Each lost race means another update was
 * stored in between, so a few attempts only fail under a burst of writers to one worker type.
 */
const UPDATE_ATTEMPTS = 5;

/**
 * Read, merge, validate and write as a compare-and-set on the read revision, so a concurrent
 * update is never overwritten with values read before it: a lost race re-reads and merges the
 * body onto the newer definition. Throws 404 when absent, 400/503 as assertLaunchable, and 409
 * RequestConflict after UPDATE_ATTEMPTS lost races (nothing of this update is stored then).
 */
export async function updateMerged(name: string, body: WorkerTypeDefinition, services: ApiServices): Promise<WorkerType> {
  for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
    const current = await services.workerTypes.getVersioned(name);
    if (!current) throw notFound(`Worker type ${name}`);
    const merged = mergeUpdate(current.workerType, body);
    await assertLaunchable(name, merged, services); // what is stored is what was checked
    const updated = await services.workerTypes.update(name, merged, services.now(), current.revision);
    if (updated) return updated;
  }
  throw conflict(`Worker type ${name} was changed by ${UPDATE_ATTEMPTS} concurrent updates while this one was applied; `
    + 'nothing of it was stored: read the worker type and retry');
}
