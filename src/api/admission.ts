// Admission of signed requests: once a request is authenticated (its MAC, timestamp and
// payload hash checked in process), its body valid and its scopes sufficient, its Hawk
// nonce is recorded and, for a write, it is counted against its rate key, in one statement
// (../db/admission.ts). A route whose work is one statement folds that statement into its
// own (RouteSpec.foldsAdmission). Only authorized requests are admitted, so refused ones
// neither use up a nonce nor spend anyone's budget; a replay of a request that fails
// validation is answered like the original (400 or 403), never accepted.
import type { Context } from 'koa';
import type { Admission, AdmissionRefusal } from '../db/admission';
import type { ReplayKey } from './auth/authenticator';
import { HAWK_SKEW_SEC } from './auth/hawk-authenticator';
import { ApiError } from './errors';
import { RATE_WINDOW_MS, rateKey } from './rate-limit';
import type { AuthenticatedClient } from './route';
import type { ApiServices } from './services';

/**
 * A request stays acceptable until `ts + skew` on the server clock, so its nonce is kept at
 * least that long; a second skew of margin covers replicas whose clocks differ by up to that
 * much (the sweep removes it afterwards).
 */
const NONCE_RETAIN_MS = 2 * HAWK_SKEW_SEC * 1000;

/**
 * What admitting a request of `client` records: its nonce when the authenticator reported one
 * (local mode), and for a write one request in the current window (on the service clock)
 * against RATE_LIMIT_WRITES_PER_MINUTE.
 */
export function admissionOf(services: ApiServices, client: AuthenticatedClient, replay: ReplayKey | undefined, write: boolean): Admission {
  const now = services.now().getTime();
  const limit = services.config.rateLimitWritesPerMinute;
  return {
    ...(replay ? { nonce: { key: replay.key, keepUntil: new Date(replay.tsMs + NONCE_RETAIN_MS) } } : {}),
    ...(write ? { rate: { key: rateKey(client), windowStart: new Date(now - (now % RATE_WINDOW_MS)), limit } } : {}),
  };
}

/** Runs the admission statement (when there is anything to record); throws the answer to a refusal. */
export async function admit(ctx: Context, services: ApiServices, admission: Admission): Promise<void> {
  if (!admission.nonce && !admission.rate) return;
  const outcome = await services.admission.admit(admission);
  if (outcome !== 'admitted') refuseAdmission(ctx, services, admission, outcome);
}

/** The uniform 401 of every authentication failure; `reason` goes to the server log only. */
export function authenticationFailed(ctx: Context, services: ApiServices, reason: string): ApiError {
  services.logger.info({ requestId: ctx.state.requestId, route: ctx.state.routeName, reason }, 'authentication failed');
  return new ApiError('AuthenticationFailed', 'Authentication failed.');
}

/**
 * A replay is a 401 like any failed authentication. Beyond the limit: 429 TooManyRequests with
 * Retry-After, the whole seconds until the window ends (at least 1).
 */
export function refuseAdmission(ctx: Context, services: ApiServices, admission: Admission, refusal: AdmissionRefusal): never {
  if (refusal === 'replayed') throw authenticationFailed(ctx, services, 'replayed nonce');
  if (!admission.rate) throw new Error('a request that counted no write cannot be rate limited');
  const { windowStart, limit } = admission.rate;
  const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + RATE_WINDOW_MS - services.now().getTime()) / 1000));
  ctx.set('Retry-After', String(retryAfter));
  throw new ApiError('TooManyRequests', `More than ${limit} write requests in a minute; retry after ${retryAfter} s.`);
}
