// First middleware in the chain: every failure becomes `{code, message}` with the status
// of the error table. Internal errors are logged with an incident id and never exposed.
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../logger';
import { isDatabaseUnavailable } from '../db/errors';
import { AuthServiceUnavailable } from './auth/delegated-authenticator';
import { ApiError, ERROR_STATUS, type ErrorCode } from './errors';

const CODE_BY_STATUS: Record<number, ErrorCode> = Object.fromEntries(
  Object.entries(ERROR_STATUS).reverse().map(([code, status]) => [status, code as ErrorCode]),
);

export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      const { status, code, message } = toResponse(err, logger, ctx);
      ctx.status = status;
      ctx.body = { code, message };
    }
  };
}

function toResponse(err: unknown, logger: Logger, ctx: Context): { status: number; code: string; message: string } {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
  const httpErr = err as { status?: number; expose?: boolean; message?: string };
  if (typeof httpErr.status === 'number' && httpErr.status >= 400 && httpErr.status < 500 && httpErr.expose) {
    return { status: httpErr.status, code: CODE_BY_STATUS[httpErr.status] ?? 'InputError', message: httpErr.message ?? 'bad request' };
  }
  if (err instanceof AuthServiceUnavailable) {
    logger.warn({ route: ctx.state.routeName, err }, 'auth service unavailable');
    return { status: 503, code: 'ServiceUnavailable', message: 'The TaskCluster Auth service is unavailable; retry later.' };
  }
  if (isDatabaseUnavailable(err)) {
    logger.warn({ requestId: ctx.state.requestId, route: ctx.state.routeName, err }, 'database unavailable');
    return { status: 503, code: 'ServiceUnavailable', message: 'The database is unavailable; retry later.' };
  }
  const incidentId = randomUUID();
  logger.error({ incidentId, requestId: ctx.state.requestId, route: ctx.state.routeName, err }, 'internal error');
  return { status: 500, code: 'InternalServerError', message: `Internal server error (incident ${incidentId}).` };
}
