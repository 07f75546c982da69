// Worker type management: create, update, read, remove, list and launch specs.
import { testLaunchSpecs } from '../../domain/launch-spec';
import { newSlugid } from '../../slugid';
import { conflict, notFound } from '../errors';
import { mergeUpdate } from '../../db/worker-types';
import { workerTypeParam } from '../params';
import { defineRoute, type Route } from '../route';
import { MAX_LIST_ITEMS } from '../schemas/common';
import {
  CreateWorkerTypeRequest, LaunchSpecs, WorkerTypeLastModified, WorkerTypeNames, WorkerTypeResponse,
} from '../schemas/worker-type';
import { assertLaunchable, getOr404, launchContext, notifyLoop } from './worker-type-support';

const MANAGE = [['aws-provisioner:manage-worker-type:<workerType>']];

export const workerTypeRoutes: Route[] = [
  defineRoute({
    name: 'createWorkerType', method: 'put', path: '/worker-type/<workerType>', stability: 'stable',
    title: 'Create a worker type',
    description: 'Creates a worker type. Idempotent: repeating the call with the same definition succeeds; '
      + 'a different definition under an existing name is a 409.',
    params: { workerType: workerTypeParam }, scopes: MANAGE, input: CreateWorkerTypeRequest, output: WorkerTypeResponse,
    handler: async ({ params, body }, services) => {
      await assertLaunchable(params.workerType, body, services);
      const result = await services.workerTypes.create(params.workerType, body, services.now());
      if (result.outcome === 'conflict') throw conflict('WorkerType already exists with different definition');
      if (result.outcome === 'created') services.logger.info({ workerType: params.workerType }, 'worker type created');
      await notifyLoop(params.workerType, 'changed', services, body.regions.map((r) => r.region));
      return { body: result.workerType };
    },
  }),
  defineRoute({
    name: 'updateWorkerType', method: 'post', path: '/worker-type/<workerType>/update', stability: 'stable',
    title: 'Update a worker type',
    description: 'Replaces the definition of an existing worker type; optional fields left out keep their values.',
    params: { workerType: workerTypeParam }, scopes: MANAGE, input: CreateWorkerTypeRequest, output: WorkerTypeResponse,
    handler: async ({ params, body }, services) => {
      const merged = mergeUpdate(await getOr404(params.workerType, services), body);
      await assertLaunchable(params.workerType, merged, services); // what is stored is what was checked
      const updated = await services.workerTypes.update(params.workerType, merged, services.now());
      if (!updated) throw notFound(`Worker type ${params.workerType}`);
      services.logger.info({ workerType: params.workerType }, 'worker type updated');
      await notifyLoop(params.workerType, 'changed', services, body.regions.map((r) => r.region));
      return { body: updated };
    },
  }),
  defineRoute({
    name: 'workerTypeLastModified', method: 'get', path: '/worker-type-last-modified/<workerType>', stability: 'stable',
    title: 'When a worker type last changed',
    description: 'Workers compare this with the lastModified in their user data to notice a new definition.',
    params: { workerType: workerTypeParam }, scopes: null, output: WorkerTypeLastModified,
    handler: async ({ params }, services) => {
      const { workerType, lastModified } = await getOr404(params.workerType, services);
      return { body: { workerType, lastModified } };
    },
  }),
  defineRoute({
    name: 'workerType', method: 'get', path: '/worker-type/<workerType>', stability: 'stable',
    title: 'Get a worker type', description: 'Returns the full definition of a worker type.',
    params: { workerType: workerTypeParam }, scopes: null, output: WorkerTypeResponse,
    handler: async ({ params }, services) => ({ body: await getOr404(params.workerType, services) }),
  }),
  defineRoute({
    name: 'removeWorkerType', method: 'delete', path: '/worker-type/<workerType>', stability: 'stable',
    title: 'Remove a worker type',
    description: 'Deletes the definition; its instances are terminated in the background. 204 even when absent.',
    params: { workerType: workerTypeParam }, scopes: MANAGE,
    handler: async ({ params }, services) => {
      if (await services.workerTypes.remove(params.workerType)) {
        services.logger.info({ workerType: params.workerType }, 'worker type removed');
        await notifyLoop(params.workerType, 'removed', services);
      }
      return { status: 204 };
    },
  }),
  defineRoute({
    name: 'listWorkerTypes', method: 'get', path: '/list-worker-types', stability: 'stable',
    title: 'List worker type names',
    description: `Names of every worker type, in lexicographic order; at most the first ${MAX_LIST_ITEMS}.`,
    params: {}, scopes: null, output: WorkerTypeNames,
    handler: async (_req, services) => ({ body: await services.workerTypes.listNames(services.listLimit) }),
  }),
  defineRoute({
    name: 'getLaunchSpecs', method: 'get', path: '/worker-type/<workerType>/launch-specifications', stability: 'experimental',
    title: 'Preview launch specifications',
    description: 'The launch specification each region and instance type would get, with base64 user data. '
      + 'The securityToken in it is a throwaway value that is never stored.',
    params: { workerType: workerTypeParam }, scopes: null, output: LaunchSpecs,
    handler: async ({ params }, services) => {
      const workerType = await getOr404(params.workerType, services);
      const ctx = { ...launchContext(services), securityToken: newSlugid(), now: services.now().toISOString() };
      const result = testLaunchSpecs(workerType, ctx);
      if (!result.ok) {
        throw conflict(`The stored definition no longer yields valid launch specifications: ${result.reasons.join('; ')}`);
      }
      return { body: result.specs };
    },
  }),
];
