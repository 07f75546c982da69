// Shared steps of the worker type routes: validation (schema rules, launch specs, EC2
// existence checks) and waking the provisioning workflow.
import { Ec2Error } from '../../aws/errors';
import { launchTargets } from '../../domain/launch-targets';
import type { WorkerTypeDefinition } from '../../domain/worker-type';
import { workerTypeProblems } from '../../domain/worker-type-rules';
import { ApiError, notFound } from '../errors';
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
      services.logger.warn({ workerType: name, err: String(result.reason) }, 'could not signal a workflow; the reconciler will start it');
    }
  }
}

export async function getOr404(name: string, services: ApiServices) {
  const workerType = await services.workerTypes.get(name);
  if (!workerType) throw notFound(`Worker type ${name}`);
  return workerType;
}
