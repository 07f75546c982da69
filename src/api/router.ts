// Turns route declarations into Koa routes. Order of checks for every request:
// URL params (400) -> authentication, payload hash included (401) -> body (400/413/415) ->
// scopes (403) -> admission: nonce (401 for a replay) and write rate limit (429), one
// statement (admission.ts) -> handler, then the response is checked against the declared
// output schema as API_RESPONSE_CHECK says (response-check.ts). Only authorized requests are
// admitted, so refused ones cannot spend anyone's budget. A route that `foldsAdmission` is
// admitted by its handler, in the statement of its own work.
import { isIP } from 'node:net';
import Router from '@koa/router';
import type { Context } from 'koa';
import { expandScopeTemplate, satisfiesScopes } from '../domain/scopes';
import { readJsonBody, readRawBody } from './body';
import { ApiError } from './errors';
import type { Admission } from '../db/admission';
import { admissionOf, admit, authenticationFailed } from './admission';
import type { ReplayKey } from './auth/authenticator';
import type { AuthenticatedClient, Route } from './route';
import type { ApiServices } from './services';
import { responseCheck, type ResponseCheck } from './response-check';
import { schemaProblems } from './validation';

export const API_PREFIXES = ['/v1', '/api/aws-provisioner/v1'];

/** A route with what its requests need built once: the param patterns compiled, the response check chosen. */
interface PreparedRoute {
  route: Route;
  params: { name: string; pattern: RegExp; source: string }[];
  checkResponse: ResponseCheck;
}

export function buildRouter(routes: Route[], services: ApiServices): Router {
  const router = new Router();
  const checkResponse = responseCheck(services.config.apiResponseCheck, services.logger);
  for (const route of routes) {
    const params = Object.entries(route.params).map(([name, spec]) => ({ name, pattern: new RegExp(spec.pattern), source: spec.pattern }));
    const prepared: PreparedRoute = { route, params, checkResponse };
    for (const prefix of API_PREFIXES) {
      const path = prefix + route.path.replace(/<([a-zA-Z]+)>/g, ':$1');
      router[route.method](route.name + prefix, path, (ctx) => handle(prepared, ctx, services));
    }
  }
  return router;
}

async function handle(prepared: PreparedRoute, ctx: Context, services: ApiServices): Promise<void> {
  const { route } = prepared;
  ctx.state.routeName = route.name;
  const params = checkParams(prepared, ctx.params as Record<string, string>);
  const verified = route.scopes ? await authenticate(ctx, services) : undefined;
  const body = route.input ? await checkBody(route, ctx) : undefined;
  let admission: Admission = {};
  if (verified) {
    authorize(route, verified.client, params, body);
    admission = admissionOf(services, verified.client, verified.replay, route.method !== 'get');
    if (!route.foldsAdmission) {
      await admit(ctx, services, admission);
      admission = {};
    }
  }
  const result = await route.handler({ params, body, client: verified?.client, ctx, admission }, services);
  if (result.body === undefined) {
    ctx.status = result.status ?? 204;
    return;
  }
  if (route.output) prepared.checkResponse(route.name, route.output, result.body);
  ctx.status = result.status ?? 200;
  ctx.body = result.body;
}

function checkParams(prepared: PreparedRoute, raw: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const { name, pattern, source } of prepared.params) {
    const value = raw[name] ?? '';
    if (!pattern.test(value)) {
      throw new ApiError('InvalidRequestArguments', `${name}: must match ${source}`);
    }
    params[name] = value;
  }
  return params;
}

/** An authenticated client, and the replay key its admission must record (local mode). */
interface Verified { client: AuthenticatedClient; replay: ReplayKey | undefined }

async function authenticate(ctx: Context, services: ApiServices): Promise<Verified> {
  const authorization = ctx.get('authorization');
  if (!authorization) {
    throw new ApiError('AuthenticationFailed', 'This method requires Hawk authentication with TaskCluster credentials.');
  }
  const [hostname, portText] = splitHost(ctx.get('host'));
  const defaultPort = services.config.publicUrl.startsWith('https:') ? 443 : 80;
  const result = await services.authenticate({
    method: ctx.method, url: ctx.originalUrl, host: hostname, port: portText ? Number(portText) : defaultPort, authorization,
    ...(isIP(ctx.ip) ? { sourceIp: ctx.ip } : {}),
    readPayload: async () => ({ body: await readRawBody(ctx), contentType: ctx.get('content-type') }),
  });
  if (!result.ok) throw authenticationFailed(ctx, services, result.reason);
  ctx.state.clientId = result.clientId;
  const { clientId, scopes, certificateSeed, replay } = result;
  return { client: certificateSeed === undefined ? { clientId, scopes } : { clientId, scopes, certificateSeed }, replay };
}

function splitHost(host: string): [string, string | undefined] {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  return match ? [match[1] ?? '', match[2]] : [host, undefined];
}

async function checkBody(route: Route, ctx: Context): Promise<unknown> {
  const body = await readJsonBody(ctx);
  if (body === undefined) throw new ApiError('InputError', 'body: a JSON object is required');
  const problems = schemaProblems(route.input!, body, 'body');
  if (problems.length > 0) throw new ApiError('InputError', problems.join('; '));
  return body;
}

function authorize(route: Route, client: AuthenticatedClient, params: Record<string, string>, body: unknown): void {
  const values = route.scopeParams ? route.scopeParams(params, body as never) : params;
  const needed = route.scopes!.map((set) => set.map((template) => expandScopeTemplate(template, values)));
  if (!satisfiesScopes(client.scopes, needed)) {
    const wanted = needed.map((set) => set.join(' and ')).join(' or ');
    throw new ApiError('InsufficientScopes', `Client ${client.clientId} lacks the scopes for ${route.name}: needs ${wanted}`);
  }
}
