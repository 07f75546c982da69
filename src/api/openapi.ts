// The published API document, generated from the same route declarations and schemas the
// server enforces, so the two cannot drift apart.
import type { TSchema } from '@sinclair/typebox';
import { BODY_RULES } from './body';
import type { Route } from './route';
import { ErrorBody } from './schemas/common';

type Json = Record<string, unknown>;

/** Plain JSON of a schema, without TypeBox's symbols and ids. */
function plain(schema: TSchema): Json {
  return JSON.parse(JSON.stringify(schema, (key, value) => (key === '$id' ? undefined : value))) as Json;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(route: Route): Json {
  const responses: Json = route.output
    ? { 200: { description: 'Success', content: { 'application/json': { schema: plain(route.output) } } } }
    : { 204: { description: 'Success, no content' } };
  responses['400'] = errorResponse('Invalid parameters or body; the message names the field');
  if (route.scopes) {
    responses['401'] = errorResponse('Missing or invalid Hawk credentials, or a payload hash that does not match the body');
    responses['403'] = errorResponse('The client lacks the required scopes');
    if (route.method !== 'get') {
      responses['429'] = errorResponse('The client made more write requests this minute than allowed; see Retry-After');
    }
  }
  if (route.input || route.scopes) {
    // Checked while reading the body (body.ts): for its schema, or for a Hawk payload hash.
    responses['413'] = errorResponse('The body is larger than 1 MiB');
  }
  if (route.input) responses['415'] = errorResponse('The Content-Type is neither JSON nor text/plain');
  responses['404'] = errorResponse('Not found');
  responses['409'] = errorResponse('Conflicts with the stored state');
  responses['503'] = errorResponse('A dependency is unavailable; retry later');
  return {
    operationId: route.name,
    summary: route.title,
    description: route.description + (route.scopes ? `\n\nScopes: ${route.scopes.map((s) => s.join(' and ')).join(' or ')}` : ''),
    'x-stability': route.stability,
    ...(route.scopes ? { security: [{ hawk: [] }], 'x-scopes': route.scopes } : {}),
    parameters: Object.entries(route.params).map(([name, spec]) => ({
      name, in: 'path', required: true, description: spec.description, example: spec.example,
      schema: { type: 'string', pattern: spec.pattern },
    })),
    ...(route.input ? {
      requestBody: { required: true, description: BODY_RULES, content: { 'application/json': { schema: plain(route.input) } } },
    } : {}),
    responses,
  };
}

export function buildOpenApi(routes: Route[], serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = route.path.replace(/<([a-zA-Z]+)>/g, '{$1}');
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'EC2 worker provisioner',
      version: '1.0.0',
      description: 'Wire-compatible with the TaskCluster aws-provisioner v1 API. Requests are signed with Hawk '
        + 'using TaskCluster credentials; scopes are listed per method.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: plain(ErrorBody) },
      securitySchemes: { hawk: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Hawk (TaskCluster credentials)' } },
    },
  };
}
