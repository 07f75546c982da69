// The Koa application, built without listening so tests drive it through a real server
// on an ephemeral port and production wraps it in http.createServer.
import Koa from 'koa';
import type Router from '@koa/router';
import { createApiMetrics } from '../metrics/registry';
import { errorMiddleware } from './error-middleware';
import { eventDocuments } from './event-documents';
import { ApiError } from './errors';
import { buildOpenApi } from './openapi';
import { monitoringEndpoints, requestObservation } from './monitoring';
import { API_PREFIXES, buildRouter } from './router';
import { allRoutes } from './routes';
import type { ApiServices } from './services';

/** Each app has its own metrics registry (src/metrics/registry.ts), served at its /metrics. */
export function createApp(services: ApiServices): Koa {
  const app = new Koa();
  const metrics = createApiMetrics();
  app.proxy = services.config.trustProxy;
  app.silent = true;
  app.use(requestObservation(services, metrics));
  app.use(errorMiddleware(services.logger));
  app.use(monitoringEndpoints(services, metrics));
  app.use(notFoundFallback);
  app.use(openApiDocument(services));
  app.use(eventDocuments(services));
  const router = buildRouter(allRoutes, services);
  app.use(router.routes());
  app.use(allowedMethods(router));
  return app;
}

/**
 * A request on an existing path whose method no route takes (PATCH, TRACE, anything) is a
 * 405 with the `Allow` header RFC 9110 requires, listing the path's methods; OPTIONS answers
 * 204 with the same header. Unknown paths are left to the 404 fallback.
 */
function allowedMethods(router: Router): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const methods = [...new Set(router.match(ctx.path, ctx.method).path.flatMap((layer) => layer.methods))];
    if (methods.length === 0) return;
    ctx.set('Allow', methods.join(', '));
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    throw new ApiError('MethodNotAllowed', `${ctx.method} is not allowed on this path (allowed: ${methods.join(', ')})`);
  };
}

/** Anything no route answered becomes a JSON 404. */
const notFoundFallback: Koa.Middleware = async (ctx, next) => {
  await next();
  if (ctx.status === 404 && ctx.body === undefined) throw new ApiError('ResourceNotFound', 'No such API method');
};

function openApiDocument(services: ApiServices): Koa.Middleware {
  const paths = new Set(API_PREFIXES.map((p) => `${p}/openapi.json`));
  let document: unknown;
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !paths.has(ctx.path)) return next();
    document ??= buildOpenApi(allRoutes, `${services.config.publicUrl}/v1`);
    ctx.state.routeName = 'openapi';
    ctx.body = document;
  };
}
