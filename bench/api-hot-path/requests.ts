// What api-hot-path stores and sends: 1,000 worker types (a definition of ordinary size:
// two instance types, every allowed region), and the requests of the three routes. The
// API's createSecret is Hawk-signed as root exactly as taskcluster-client 1.6.3 signs it
// (its own hawk, no payload hash); the reference gets the same request unsigned.
import slugid from 'slugid';
import { createPrisma } from '../../src/db/client';
import { createWorkerTypeRepository } from '../../src/db/worker-types';
import type { WorkerTypeDefinition } from '../../src/domain/worker-type';
import { STAND_IN_SECURITY_GROUP, standInImage } from '../support/stand-ins';
import type { HotRoute } from './figures';
import type { HotRequest } from './load';

const hawk = require('taskcluster-client/node_modules/hawk');

/** Fixed width, so every name costs the same. */
export const workerTypeName = (i: number): string => `hot-path-${String(i).padStart(5, '0')}`;

function definition(regions: string[]): WorkerTypeDefinition {
  const instanceType = (type: string, capacity: number) =>
    ({ instanceType: type, capacity, utility: capacity, launchSpec: {}, secrets: {}, userData: {}, scopes: [] });
  return {
    launchSpec: { SecurityGroups: [STAND_IN_SECURITY_GROUP] },
    userData: { dockerConfig: { allowPrivileged: false }, capacityManagement: { diskspaceThreshold: 10_000_000_000 } },
    secrets: {}, scopes: ['queue:create-task:aws-provisioner-v1/hot-path'],
    minCapacity: 0, maxCapacity: 20, scalingRatio: 0, minPrice: 0, maxPrice: 0.5, canUseOndemand: false, canUseSpot: true,
    instanceTypes: [instanceType('c5.xlarge', 1), instanceType('c5.2xlarge', 2)],
    regions: regions.map((region) => ({ region, launchSpec: { ImageId: standInImage(region) }, secrets: {}, userData: {}, scopes: [] })),
    availabilityZones: [], description: 'A worker type of the api-hot-path benchmark', owner: 'bench@example.com',
  } as WorkerTypeDefinition;
}

/** Stores `count` worker types straight through the repository (the API's checks are not what is measured). */
export async function storeWorkerTypes(databaseUrl: string, count: number, regions: string[]): Promise<void> {
  const db = createPrisma(databaseUrl);
  try {
    const repo = createWorkerTypeRepository(db);
    const def = definition(regions);
    for (let i = 0; i < count; i += 10) {
      const batch = Array.from({ length: Math.min(10, count - i) }, (_, k) => repo.create(workerTypeName(i + k), def, new Date()));
      await Promise.all(batch);
    }
  } finally {
    await db.$disconnect();
  }
}

export interface Target { url: string; rootAccessToken?: string }

function createSecret(target: Target): HotRequest {
  const token = slugid.nice();
  const path = `/v1/secret/${token}`;
  const expiration = new Date(Date.now() + 3_600_000).toISOString();
  const body = JSON.stringify({ workerType: workerTypeName(0), secrets: { password: 'bench' }, scopes: [], token, expiration });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.rootAccessToken !== undefined) {
    headers.authorization = hawk.client.header(`${target.url}${path}`, 'PUT', {
      credentials: { id: 'root', key: target.rootAccessToken, algorithm: 'sha256' },
    }).field;
  }
  return { method: 'PUT', path, headers, body };
}

/** The i-th request of `route`; worker-type cycles through the `stored` worker types. */
export function hotRequest(route: HotRoute, target: Target, stored: number): (i: number) => HotRequest {
  switch (route) {
    case 'worker-type': return (i) => ({ method: 'GET', path: `/v1/worker-type/${workerTypeName(i % stored)}` });
    case 'list-worker-types': return () => ({ method: 'GET', path: '/v1/list-worker-types' });
    case 'create-secret': return () => createSecret(target);
  }
}
