// Operational methods: the state of a worker type, backend health and mass termination.
import { randomUUID } from 'node:crypto';
import { isDatabaseUnavailable } from '../../db/errors';
import { capacityStateOf, type LedgerState, type RegistrationSource } from '../../domain/capacity-states';
import { causeChain } from '../../log-errors';
import { isTemporalUnavailable } from '../../temporal/errors';
import { ApiError, notFound } from '../errors';
import { workerTypeParam } from '../params';
import { defineRoute, type Route } from '../route';
import type { ApiServices } from '../services';
import { BackendStatusResponse, StateResponse, TerminationResponse } from '../schemas/operations';
import { getOr404 } from './worker-type-support';

/** A region whose inventory has not completed for this long is reported unhealthy. */
const REGION_STALE_FACTOR = 3;

/**
 * This route is anonymous: the cause of an unreachable Temporal goes to the log, the answer
 * only says it is down; a Temporal that answers but cannot start loops says why (the names of
 * missing search attributes and the command that registers them, or the server's refusal).
 */
async function temporalDown(services: ApiServices): Promise<string | null> {
  try {
    return await services.workflows.health();
  } catch (err) {
    services.logger.warn({ err }, 'Temporal health check failed');
    // Answered but refused (a namespace that does not exist, an identity without access).
    return isTemporalUnavailable(err) ? 'unreachable' : `refused: ${innermostMessage(err)}`;
  }
}

/** The server's own words (the last link of the chain), without the client's wrapping. */
function innermostMessage(err: unknown): string {
  return causeChain(err).at(-1)?.message.slice(0, 200) ?? 'unknown';
}

function registrationSource(raw: string | null): RegistrationSource | null {
  return raw === 'getSecret' || raw === 'instanceStarted' ? raw : null;
}

/**
 * What a failed Temporal call becomes: a 503 when Temporal cannot be reached now (logged here
 * with its causes, as a warning: retrying later helps), else the error itself, which the
 * error middleware logs with an incident id and answers as a 500 without its details.
 */
function temporalFailure(err: unknown, what: string, services: ApiServices): unknown {
  if (!isTemporalUnavailable(err)) return err;
  services.logger.warn({ err }, `Temporal unavailable: ${what} not requested`);
  return new ApiError('ServiceUnavailable', `Temporal is unavailable, so ${what} cannot be requested now; retry later.`);
}

export const operationRoutes: Route[] = [
  defineRoute({
    name: 'state', method: 'get', path: '/state/<workerType>', stability: 'stable',
    title: 'State of a worker type',
    description: 'Instances from the ledger, the capacity summary and what the last provisioning iteration saw and did.',
    params: { workerType: workerTypeParam }, scopes: null, output: StateResponse,
    handler: async ({ params }, services) => {
      const name = params.workerType;
      const [definition, rows, status, capacity] = await Promise.all([
        services.workerTypes.get(name), services.statuses.instances(name, services.now()),
        services.statuses.workerType(name), services.ledger.capacity(name),
      ]);
      if (!definition && rows.length === 0) throw notFound(`Worker type ${name}`);
      return {
        body: {
          workerType: name,
          instances: rows.filter((r) => r.instanceId).map((r) => ({
            id: r.instanceId!, srId: r.market === 'spot' ? 'spot' : 'ondemand', ami: r.imageId ?? '', type: r.instanceType,
            region: r.region, zone: r.zone, state: r.state, launch: r.launched.toISOString(),
            registered: r.registered?.toISOString() ?? null, registeredBy: registrationSource(r.registeredBy),
            capacityState: capacityStateOf({ state: r.state as LedgerState, registered: r.registered !== null }),
          })),
          requests: [], internalTrackedRequests: [],
          summary: {
            workerType: name, minCapacity: definition?.minCapacity ?? 0, maxCapacity: definition?.maxCapacity ?? 0,
            runningCapacity: capacity.running, pendingCapacity: capacity.pending, requestedCapacity: capacity.requested,
          },
          // Iteration 0 is the row a loop failure creates before any iteration completed.
          lastIteration: status && status.iteration > 0 ? status.report as Record<string, unknown> : null,
          lastLaunchError: status?.lastLaunchError ?? null,
          loopError: status?.loopError && status.loopErrorAt ? { message: status.loopError, at: status.loopErrorAt.toISOString() } : null,
        },
      };
    },
  }),
  defineRoute({
    name: 'backendStatus', method: 'get', path: '/backend-status', stability: 'experimental',
    title: 'Health of the backends',
    description: 'Whether the database, Temporal, the TaskCluster Queue and each region\'s inventory are healthy, and when each '
      + 'last completed. Answers 200 whatever is down: the body says what.',
    params: {}, scopes: null, output: BackendStatusResponse,
    handler: async (_req, services) => ({ body: await backendStatus(services) }),
  }),
  defineRoute({
    name: 'terminateAllInstancesOfWorkerType', method: 'post', path: '/worker-type/<workerType>/terminate-all-instances',
    stability: 'experimental', title: 'Terminate every instance of a worker type',
    description: 'Asks the worker type\'s provisioning loop to terminate all its instances, started ones included. '
      + 'The loop carries on provisioning afterwards. Operators can send the same `terminateAll` signal from the Temporal UI.',
    params: { workerType: workerTypeParam }, scopes: [['aws-provisioner:terminate-all-worker-type:<workerType>']], output: TerminationResponse,
    handler: async ({ params }, services) => {
      await getOr404(params.workerType, services);
      try {
        await services.workflows.terminateAll(params.workerType);
      } catch (err) {
        throw temporalFailure(err, 'termination', services);
      }
      services.logger.warn({ workerType: params.workerType }, 'termination of every instance requested');
      return { body: { outcome: true, message: `Termination of every ${params.workerType} instance requested.` } };
    },
  }),
  defineRoute({
    name: 'shutdownEverySingleEc2InstanceManagedByThisProvisioner', method: 'post',
    path: '/shutdown/every/single/ec2/instance/managed/by/this/provisioner', stability: 'experimental',
    title: 'Terminate every instance this provisioner manages',
    description: 'Starts a workflow that tells every worker type loop to terminate its instances and sweeps every instance '
      + 'tagged with this provisioner in every allowed region, orphans included.',
    params: {}, scopes: [['aws-provisioner:terminate-all-worker-type:*']], output: TerminationResponse,
    handler: async (_req, services) => {
      let workflowId: string;
      try {
        workflowId = await services.workflows.shutdownEverything(randomUUID());
      } catch (err) {
        throw temporalFailure(err, 'the shutdown', services);
      }
      services.logger.warn({ workflowId }, 'shutdown of every instance requested');
      return { body: { outcome: true, message: `Shutdown of every instance started (workflow ${workflowId}).` } };
    },
  }),
];

async function databaseDown(services: ApiServices): Promise<string | null> {
  try {
    await services.statuses.databaseHealthy();
    return null;
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    return 'unreachable';
  }
}

/**
 * Contract: an unreachable backend is reported in a 200 answer, never as an error status;
 * what cannot be known while the database is down (regions, Queue) is reported unhealthy
 * with a detail saying it is unknown.
 */
async function backendStatus(services: ApiServices) {
  const now = services.now();
  const [temporalError, databaseError] = await Promise.all([temporalDown(services), databaseDown(services)]);
  const unknown = 'unknown: the database is unavailable';
  const [regions, lastIteration, queue, failingLoops] = databaseError
    ? [null, null, null, null]
    : await Promise.all([
      services.statuses.regions(), services.statuses.lastIterationAt(), services.statuses.queueHealth(), services.statuses.failingLoops(),
    ]);
  const staleBefore = now.getTime() - REGION_STALE_FACTOR * services.config.timing.inventoryIntervalMs;
  const regionHealth = services.config.allowedRegions.map((region) => {
    if (!regions) return { region, healthy: false, lastSuccess: null, lastError: unknown };
    const r = regions.find((x) => x.region === region);
    const healthy = Boolean(r?.lastSuccessAt && r.lastSuccessAt.getTime() >= staleBefore && !r.lastError);
    return { region, healthy, lastSuccess: r?.lastSuccessAt?.toISOString() ?? null, lastError: r?.lastError ?? null };
  });
  const queueHealth = !queue
    ? { healthy: false, detail: unknown }
    : queue.failing.length === 0
      ? { healthy: true, detail: queue.checked === 0 ? 'not asked yet' : `answered in the latest iteration of all ${queue.checked} worker type(s)` }
      : {
        healthy: false,
        detail: (`no answer in the latest iteration of ${queue.failing.length} of ${queue.checked} worker type(s); `
          + `${queue.failing[0]!.workerType}: ${queue.failing[0]!.queueError}`).slice(0, 300),
      };
  const loopHealth = !failingLoops
    ? { healthy: false, detail: unknown }
    : failingLoops.length === 0
      ? { healthy: true, detail: 'every worker type loop completed its latest pass' }
      : {
        healthy: false,
        detail: (`${failingLoops.length} worker type loop(s) cannot complete a pass; `
          + `${failingLoops[0]!.workerType}: ${failingLoops[0]!.loopError}`).slice(0, 300),
      };
  const down = temporalError !== null || databaseError !== null;
  const degraded = !queueHealth.healthy || !loopHealth.healthy || regionHealth.some((r) => !r.healthy);
  return {
    status: down ? 'unhealthy' : degraded ? 'degraded' : 'healthy',
    lastCheckedIn: (lastIteration ?? now).toISOString(),
    database: { healthy: databaseError === null, detail: databaseError ?? 'reachable' },
    temporal: { healthy: temporalError === null, detail: temporalError ?? 'reachable; loops can start' },
    queue: queueHealth,
    loops: loopHealth,
    regions: regionHealth,
  };
}
