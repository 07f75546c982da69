// AMI sets: a catalogue of AMIs per region for operators' tooling.
import { ApiError, conflict, notFound } from '../errors';
import { amiSetIdParam } from '../params';
import { defineRoute, type Route } from '../route';
import { AmiSetIds, AmiSetResponse, CreateAmiSetRequest } from '../schemas/ami-set';
import { MAX_LIST_ITEMS, Outcome } from '../schemas/common';

const MANAGE = [['aws-provisioner:manage-ami-set:<id>']];

function assertUniqueRegions(amis: { region: string }[]): void {
  const seen = new Set<string>();
  amis.forEach(({ region }, i) => {
    if (seen.has(region)) throw new ApiError('InputError', `body/amis/${i}/region: ${region} appears more than once`);
    seen.add(region);
  });
}

export const amiSetRoutes: Route[] = [
  defineRoute({
    name: 'createAmiSet', method: 'put', path: '/ami-set/<id>', stability: 'stable',
    title: 'Create an AMI set', description: 'Idempotent: the same AMIs again succeed; different AMIs under an existing id are a 409.',
    params: { id: amiSetIdParam }, scopes: MANAGE, input: CreateAmiSetRequest, output: Outcome,
    handler: async ({ params, body }, services) => {
      assertUniqueRegions(body.amis);
      const outcome = await services.amiSets.create(params.id, body.amis, services.now());
      if (outcome === 'conflict') throw conflict('AMI Set already exists with different definition');
      return { body: { outcome: 'success' } };
    },
  }),
  defineRoute({
    name: 'amiSet', method: 'get', path: '/ami-set/<id>', stability: 'stable',
    title: 'Get an AMI set', description: 'Returns the AMIs of a set.',
    params: { id: amiSetIdParam }, scopes: null, output: AmiSetResponse,
    handler: async ({ params }, services) => {
      const amiSet = await services.amiSets.get(params.id);
      if (!amiSet) throw notFound(`AMI set ${params.id}`);
      return { body: amiSet };
    },
  }),
  defineRoute({
    name: 'updateAmiSet', method: 'post', path: '/ami-set/<id>/update', stability: 'stable',
    title: 'Update an AMI set', description: 'Replaces the AMIs of an existing set and bumps lastModified.',
    params: { id: amiSetIdParam }, scopes: MANAGE, input: CreateAmiSetRequest, output: AmiSetResponse,
    handler: async ({ params, body }, services) => {
      assertUniqueRegions(body.amis);
      const amiSet = await services.amiSets.update(params.id, body.amis, services.now());
      if (!amiSet) throw notFound(`AMI set ${params.id}`);
      return { body: amiSet };
    },
  }),
  defineRoute({
    name: 'listAmiSets', method: 'get', path: '/list-ami-sets', stability: 'stable',
    title: 'List AMI set ids', description: `Ids of every AMI set, in lexicographic order; at most the first ${MAX_LIST_ITEMS}.`,
    params: {}, scopes: null, output: AmiSetIds,
    handler: async (_req, services) => ({ body: await services.amiSets.listIds(services.listLimit) }),
  }),
  defineRoute({
    name: 'removeAmiSet', method: 'delete', path: '/ami-set/<id>', stability: 'stable',
    title: 'Remove an AMI set', description: 'Deletes the set; 204 even when absent.',
    params: { id: amiSetIdParam }, scopes: MANAGE,
    handler: async ({ params }, services) => {
      await services.amiSets.remove(params.id);
      return { status: 204 };
    },
  }),
];
