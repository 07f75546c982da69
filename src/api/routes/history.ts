// The readable history of a worker type: what its loop and the region inventories did to
// its instances, newest first, bounded per kind.
import { HISTORY_LIMIT, REMOVED_HISTORY_RETENTION_HOURS } from '../../domain/history';
import type { HistoryEntry } from '../../generated/prisma/client';
import { notFound } from '../errors';
import { workerTypeParam } from '../params';
import { defineRoute, type Route } from '../route';
import { HistoryResponse } from '../schemas/history';

function offering(e: HistoryEntry) {
  return { at: e.at.toISOString(), region: e.region, zone: e.zone, instanceType: e.instanceType, market: e.market };
}

export const historyRoutes: Route[] = [
  defineRoute({
    name: 'workerTypeHistory', method: 'get', path: '/worker-type/<workerType>/history', stability: 'experimental',
    title: 'Recent launches, launch failures and terminations',
    description: `The latest ${HISTORY_LIMIT} launches, launch failures and terminations of a worker type, each newest first, `
      + 'with the offering (region, zone, instance type, market) and the error code and message or the termination reason. '
      + `The history of a removed worker type stays readable for ${REMOVED_HISTORY_RETENTION_HOURS} hours after its last entry.`,
    params: { workerType: workerTypeParam }, scopes: null, output: HistoryResponse,
    handler: async ({ params }, services) => {
      const name = params.workerType;
      const [definition, history] = await Promise.all([services.workerTypes.get(name), services.history.list(name)]);
      const empty = history.launches.length + history.launchFailures.length + history.terminations.length === 0;
      if (!definition && empty) throw notFound(`Worker type ${name}`);
      return {
        body: {
          workerType: name, limit: HISTORY_LIMIT,
          launches: history.launches.map((e) => ({ ...offering(e), instanceId: e.instanceId ?? '' })),
          launchFailures: history.launchFailures.map((e) => ({ ...offering(e), code: e.code ?? '', message: e.message })),
          terminations: history.terminations.map((e) => ({ ...offering(e), instanceId: e.instanceId ?? '', reason: e.message ?? '' })),
        },
      };
    },
  }),
];
