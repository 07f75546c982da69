// Per-client limit on authenticated write requests: a fixed one-minute window counted in
// PostgreSQL, so the limit holds for the client across every API replica. Anonymous
// routes (instance check-ins, getSecret) are never limited here.
import type { Context } from 'koa';
import { ApiError } from './errors';
import type { ApiServices } from './services';

export const RATE_WINDOW_MS = 60_000;

/**
 * Counts one write by `clientId` in the current window (on the service clock). Beyond
 * RATE_LIMIT_WRITES_PER_MINUTE throws 429 TooManyRequests and sets Retry-After to the whole
 * seconds until the window ends (at least 1). Rejected requests count too: a client that
 * keeps hammering stays limited until the window turns.
 */
export async function enforceWriteLimit(ctx: Context, services: ApiServices, clientId: string): Promise<void> {
  const now = services.now().getTime();
  const windowStart = now - (now % RATE_WINDOW_MS);
  const count = await services.rateLimits.hit(clientId, new Date(windowStart));
  const limit = services.config.rateLimitWritesPerMinute;
  if (count <= limit) return;
  const retryAfter = Math.max(1, Math.ceil((windowStart + RATE_WINDOW_MS - now) / 1000));
  ctx.set('Retry-After', String(retryAfter));
  throw new ApiError('TooManyRequests', `More than ${limit} write requests in a minute; retry after ${retryAfter} s.`);
}
