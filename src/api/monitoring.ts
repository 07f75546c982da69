// The API's monitoring: /metrics, /healthz and /readyz on the API's own port, and the
// per-request id, log line and metrics.
//
// Why the API's port and not one of its own: the API already runs behind the listener that
// caps connections and closes gracefully (http-server.ts); load balancers and Kubernetes
// probe the port that serves traffic; and Prometheus finds the replicas where the service
// is. These three paths need no Hawk authentication and are never rate limited (the limit
// applies only to authorized writes, router.ts). They expose worker type names and counts,
// which listWorkerTypes already makes public; block `/metrics` at the ingress if the API is
// reachable from outside.
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { databaseCheck, readiness } from '../metrics/health';
import type { ApiMetrics } from '../metrics/registry';
import { safeFieldsLogger } from '../logger';
import type { ApiServices } from './services';

/** The paths served here, with the route names they are counted and logged under. */
const MONITORING_PATHS: Record<string, string> = { '/metrics': 'metrics', '/healthz': 'healthz', '/readyz': 'readyz' };

/** An incoming X-Request-Id is kept only if it is this short and plain (it lands in logs and headers). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The request's id: the caller's X-Request-Id when it is short and safe, a fresh UUID otherwise. */
function requestIdFor(incoming: string | undefined): string {
  return incoming !== undefined && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * First in the chain: gives the request its id (state and `X-Request-Id` response header,
 * errors included), then logs one line and counts it by route name, never by URL (URLs can
 * carry secret tokens). Monitoring paths log at debug: a scrape every few seconds is not news.
 * The line holds only fields that cannot carry a secret (the id is a UUID or a short plain
 * caller id, the method one Node's parser accepted, the route's name, the status, the client
 * id, the duration), so it goes through the logger without redaction, on every request.
 */
export function requestObservation(services: ApiServices, metrics: ApiMetrics): Koa.Middleware {
  const log = safeFieldsLogger(services.logger);
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    const requestId = requestIdFor(ctx.get('x-request-id') || undefined);
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = String(ctx.state.routeName ?? 'unmatched');
      const method = ctx.method.length <= 10 ? ctx.method : 'OTHER';
      metrics.requests.inc({ route, method, status: String(ctx.status) });
      metrics.requestDuration.observe({ route, method }, seconds);
      const level = MONITORING_PATHS[ctx.path] ? 'debug' : 'info';
      log[level]({
        requestId, method: ctx.method, route, status: ctx.status, clientId: ctx.state.clientId, ms: Math.round(seconds * 1e4) / 10,
      }, 'request');
    }
  };
}

/** Answers the monitoring paths (GET or HEAD); anything else goes on down the chain. */
export function monitoringEndpoints(services: ApiServices, metrics: ApiMetrics): Koa.Middleware {
  const database = databaseCheck(() => services.statuses.databaseHealthy());
  return async (ctx, next) => {
    const routeName = MONITORING_PATHS[ctx.path];
    if (!routeName || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.state.routeName = routeName;
    ctx.set('Cache-Control', 'no-store');
    if (routeName === 'metrics') {
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    } else if (routeName === 'healthz') {
      ctx.body = { alive: true };
    } else {
      const { status, body } = await readiness([database]);
      ctx.status = status;
      ctx.body = body;
    }
  };
}
