// The published API document is generated from the same declarations the server enforces.
import { allRoutes } from '../../src/api/routes';
import { startApiHarness, type ApiHarness } from '../support/api-harness';

let h: ApiHarness;
beforeAll(async () => { h = await startApiHarness(); });
afterAll(async () => { await h.stop(); });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const reference = require('taskcluster-client/lib/apis.js').AwsProvisioner.reference;

test('every route is in the document with its schemas and scopes', async () => {
  const doc: Json = await (await fetch(`${h.url}/v1/openapi.json`)).json();
  expect(doc.openapi).toBe('3.1.0');
  const operations = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>)
    .flatMap((methods) => Object.values(methods).map((op) => op.operationId));
  expect(operations.sort()).toEqual(allRoutes.map((r) => r.name).sort());
  const create = doc.paths['/worker-type/{workerType}'].put;
  expect(create['x-scopes']).toEqual([['aws-provisioner:manage-worker-type:<workerType>']]);
  expect(create.requestBody.content['application/json'].schema.required).toContain('maxCapacity');
  expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  const alias = await (await fetch(`${h.url}/api/aws-provisioner/v1/openapi.json`)).json();
  expect(alias).toEqual(doc);
});

/** Methods this service adds to the original API; each at a path the original never used. */
const ADDITIONS = ['workerTypeHistory'];

test('routes match the taskcluster-client reference for every method we serve', () => {
  for (const route of allRoutes) {
    const entry = reference.entries.find((e: { name: string }) => e.name === route.name);
    if (ADDITIONS.includes(route.name)) {
      expect(entry).toBeUndefined();
      expect(reference.entries.some((e: { route: string }) => e.route === route.path)).toBe(false);
      continue;
    }
    expect(entry).toBeDefined();
    expect({ name: route.name, method: route.method, path: route.path })
      .toEqual({ name: entry.name, method: entry.method, path: entry.route.replace('<amiSetId>', '<id>') });
  }
});

test('both prefixes serve the API', async () => {
  for (const prefix of ['/v1', '/api/aws-provisioner/v1']) {
    const res = await fetch(`${h.url}${prefix}/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ alive: true });
  }
});

test('every path parameter has an example that matches its pattern; body routes document 413 and 415', async () => {
  const doc: Json = await (await fetch(`${h.url}/v1/openapi.json`)).json();
  for (const methods of Object.values(doc.paths as Record<string, Record<string, Json>>)) {
    for (const op of Object.values(methods)) {
      for (const p of op.parameters) expect({ name: p.name, ok: new RegExp(p.schema.pattern, 'u').test(p.example) }).toEqual({ name: p.name, ok: true });
      if (op.requestBody) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['413', '415']));
    }
  }
});
