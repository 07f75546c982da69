// Worker type management: create, update, read, remove, list and launch specs.
import { launchSpecWithUserData } from '../../aws/user-data';
import { PLACEHOLDER_SECURITY_TOKEN, type LaunchInfo } from '../../domain/launch-spec';
import { MAX_LAUNCH_SPEC_BYTES } from '../../domain/launch-spec-limits';
import { testLaunchSpecs } from '../../domain/launch-spec-matrix';
import { MAX_USER_DATA_BYTES } from '../../domain/user-data';
import { conflict } from '../errors';
import { workerTypeParam } from '../params';
import { defineRoute, type Route } from '../route';
import { MAX_LIST_ITEMS } from '../schemas/common';
import {
  CreateWorkerTypeRequest, LaunchSpecs, WorkerTypeLastModified, WorkerTypeNames, WorkerTypeResponse,
} from '../schemas/worker-type';
import { assertLaunchable, getOr404, launchContext, notifyLoop, updateMerged } from './worker-type-support';

const MANAGE = [['aws-provisioner:manage-worker-type:<workerType>']];

const CHECKS = 'Every region, zone and instance type must yield a launch specification whose user data takes at most '
  + `${MAX_USER_DATA_BYTES} bytes (EC2's limit, before base64) and whose merged launchSpec takes at most `
  + `${MAX_LAUNCH_SPEC_BYTES} bytes of JSON; its AMIs, security groups and key pairs (KeyName) must exist in EC2. `
  + 'A definition that fails is a 400 naming each problem, and nothing is stored.';

/** One slot of the getLaunchSpecs answer: the original's fields plus the whole user data object. */
function preview(info: LaunchInfo) {
  const { secrets, scopes, userData, securityToken, workerType, instanceUserData } = info;
  return { launchSpec: launchSpecWithUserData(info), secrets, scopes, userData, securityToken, workerType, instanceUserData };
}

export const workerTypeRoutes: Route[] = [
  defineRoute({
    name: 'createWorkerType', method: 'put', path: '/worker-type/<workerType>', stability: 'stable',
    title: 'Create a worker type',
    description: 'Creates a worker type. Idempotent: repeating the call with the same definition succeeds; '
      + `a different definition under an existing name is a 409. ${CHECKS}`,
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
    description: 'Replaces the definition of an existing worker type; optional fields left out keep their values. '
      + 'Concurrent updates are applied one on top of the other; an update that keeps losing the race to others '
      + `is a 409 and stores nothing. ${CHECKS}`,
    params: { workerType: workerTypeParam }, scopes: MANAGE, input: CreateWorkerTypeRequest, output: WorkerTypeResponse,
    handler: async ({ params, body }, services) => {
      const updated = await updateMerged(params.workerType, body, services);
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
    description: 'For each region and instance type, the launch specification an instance would get (UserData in base64) '
      + 'and the user data object it holds (`instanceUserData`). The securityToken is a placeholder, the same in every '
      + `answer; no secret is ever stored under it. Each slot holds at most ${MAX_USER_DATA_BYTES} bytes of user data and `
      + `${MAX_LAUNCH_SPEC_BYTES} bytes of launch specification, the limits createWorkerType enforces.`,
    params: { workerType: workerTypeParam }, scopes: null, output: LaunchSpecs,
    handler: async ({ params }, services) => {
      const workerType = await getOr404(params.workerType, services);
      const ctx = { ...launchContext(services), securityToken: PLACEHOLDER_SECURITY_TOKEN, now: services.now().toISOString() };
      const result = testLaunchSpecs(workerType, ctx);
      if (!result.ok) {
        throw conflict(`The stored definition no longer yields valid launch specifications: ${result.reasons.join('; ')}`);
      }
      const byRegion = Object.entries(result.specs).map(([region, byType]) =>
        [region, Object.fromEntries(Object.entries(byType).map(([type, info]) => [type, preview(info)]))]);
      return { body: Object.fromEntries(byRegion) };
    },
  }),
];
