// Service health and summaries.
import { defineRoute, type Route } from '../route';
import { MAX_LIST_ITEMS } from '../schemas/common';
import { PingResponse } from '../schemas/misc';
import { WorkerTypeSummaries } from '../schemas/worker-type';

export const serviceRoutes: Route[] = [
  defineRoute({
    name: 'ping', method: 'get', path: '/ping', stability: 'stable',
    title: 'Ping the server', description: 'Answers while the process is up; does not check dependencies.',
    params: {}, scopes: null, output: PingResponse,
    handler: async (_req, services) => ({
      body: { alive: true, uptime: (Date.now() - services.startedAt) / 1000 },
    }),
  }),
  defineRoute({
    name: 'listWorkerTypeSummaries', method: 'get', path: '/list-worker-type-summaries', stability: 'stable',
    title: 'Summaries of every worker type',
    description: 'Capacity limits and the running, pending and requested capacity of each worker type, '
      + `in name order; at most the first ${MAX_LIST_ITEMS}.`,
    params: {}, scopes: null, output: WorkerTypeSummaries,
    handler: async (_req, services) => {
      const workerTypes = await services.workerTypes.list(services.listLimit);
      const capacity = await services.ledger.capacities();
      return {
        body: workerTypes.map((wt) => ({
          workerType: wt.workerType,
          minCapacity: wt.minCapacity ?? 0,
          maxCapacity: wt.maxCapacity,
          runningCapacity: capacity[wt.workerType]?.running ?? 0,
          pendingCapacity: capacity[wt.workerType]?.pending ?? 0,
          requestedCapacity: capacity[wt.workerType]?.requested ?? 0,
        })),
      };
    },
  }),
];
