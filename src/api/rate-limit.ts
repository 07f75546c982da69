// Limit on authorized write requests: a fixed one-minute window per rate key, counted in
// PostgreSQL, so the limit holds across every API replica. Anonymous routes (instance
// check-ins, getSecret) are never limited here.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { ApiError } from './errors';
import type { AuthenticatedClient } from './route';
import type { ApiServices } from './services';

export const RATE_WINDOW_MS = 60_000;

/**
 * Whose budget a write spends. Permanent credentials: their client id. Temporary
 * credentials carry their issuer's client id (every worker's credentials say `root` when
 * root issued them), so each certificate gets a budget of its own, keyed by a digest of its
 * seed: `<clientId>#temp:<32 hex digits>`. `#` cannot occur in a client id
 * (CLIENT_ID_PATTERN), so no permanent client shares a certificate's budget, and a worker
 * can neither use up its issuer's writes nor another worker's.
 */
export function rateKey(client: AuthenticatedClient): string {
  if (client.certificateSeed === undefined) return client.clientId;
  const digest = createHash('sha256').update(client.certificateSeed, 'utf8').digest('hex').slice(0, 32);
  return `${client.clientId}#temp:${digest}`;
}

/**
 * Counts one write of `client` in the current window (on the service clock). Call it only
 * once the request is authenticated and authorized: refused requests must not spend a
 * budget, or anyone holding credentials of an issuer could lock the issuer out. Beyond
 * RATE_LIMIT_WRITES_PER_MINUTE throws 429 TooManyRequests and sets Retry-After to the whole
 * seconds until the window ends (at least 1). Writes answered 429 count too: a client that
 * keeps hammering stays limited until the window turns.
 */
export async function enforceWriteLimit(ctx: Context, services: ApiServices, client: AuthenticatedClient): Promise<void> {
  const now = services.now().getTime();
  const windowStart = now - (now % RATE_WINDOW_MS);
  const count = await services.rateLimits.hit(rateKey(client), new Date(windowStart));
  const limit = services.config.rateLimitWritesPerMinute;
  if (count <= limit) return;
  const retryAfter = Math.max(1, Math.ceil((windowStart + RATE_WINDOW_MS - now) / 1000));
  ctx.set('Retry-After', String(retryAfter));
  throw new ApiError('TooManyRequests', `More than ${limit} write requests in a minute; retry after ${retryAfter} s.`);
}
