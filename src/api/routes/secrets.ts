// The booting-instance handshake: a one-time secret per launch, read with the token
// found in the instance's user data. Tokens never appear in logs or error messages.
import { createTemporaryCredentials } from '../auth/temporary-credentials';
import { workerCredentialsIssuer, workerScopes } from '../auth/worker-issuer';
import { refuseAdmission } from '../admission';
import { EARLIEST_STORABLE, parseDateTime } from '../date-time';
import { ApiError, conflict } from '../errors';
import { instanceIdParam, tokenParam } from '../params';
import { defineRoute, type Route } from '../route';
import type { ApiServices } from '../services';
import { Outcome } from '../schemas/common';
import { CreateSecretRequest, GetSecretResponse } from '../schemas/secret';

/** Lifetime of the credentials handed to a worker, as in the original. */
const WORKER_CREDENTIALS_HOURS = 96;
/** Allowance for clock skew between us and whoever verifies the credentials. */
const CREDENTIALS_BACKDATE_MS = 15 * 60 * 1000;

function workerCredentials(workerType: string, services: ApiServices) {
  const { config } = services;
  const issuer = workerCredentialsIssuer(config);
  const now = services.now().getTime();
  return createTemporaryCredentials({
    clientId: issuer.clientId,
    accessToken: issuer.accessToken,
    scopes: workerScopes(config.provisionerId, workerType),
    start: new Date(now - CREDENTIALS_BACKDATE_MS),
    expiry: new Date(now + WORKER_CREDENTIALS_HOURS * 3600 * 1000),
  });
}

const NO_SUCH_SECRET = 'No such secret: it does not exist, has expired or was already read';

export const secretRoutes: Route[] = [
  defineRoute({
    name: 'createSecret', method: 'put', path: '/secret/<token>', stability: 'stable',
    title: 'Create a secret',
    description: 'Stores a one-time secret under a token. Idempotent; a different secret under the same token is a 409. '
      + 'Needs aws-provisioner:create-secret:<workerType> for the workerType in the body.',
    params: { token: tokenParam }, scopes: [['aws-provisioner:create-secret:<workerType>']],
    scopeParams: (_params, body) => ({ workerType: body.workerType }),
    input: CreateSecretRequest, output: Outcome, foldsAdmission: true,
    handler: async ({ params, body, ctx, admission }, services) => {
      // Answered before admission: a mismatched request records no nonce and counts no write.
      if (body.token !== params.token) throw new ApiError('InputError', 'body/token: must equal the token in the URL');
      // Any RFC 3339 time is accepted; one before year 1 is stored as year 1, expired all the same.
      const expiration = new Date(Math.max(parseDateTime(body.expiration).getTime(), EARLIEST_STORABLE.getTime()));
      // One statement: the request's admission and the insert (src/db/secret-sql.ts).
      const outcome = await services.secrets.create(
        params.token, { workerType: body.workerType, secrets: body.secrets, scopes: body.scopes }, expiration, admission,
      );
      if (outcome === 'replayed' || outcome === 'rate-limited') refuseAdmission(ctx, services, admission, outcome);
      if (outcome === 'conflict') throw conflict('Secret already exists with different definition');
      return { body: { outcome: 'success' } };
    },
  }),
  defineRoute({
    name: 'getSecret', method: 'get', path: '/secret/<token>', stability: 'stable',
    title: 'Get a secret (once)',
    description: 'Returns the secret and fresh 96-hour TaskCluster credentials for the worker type, and deletes the secret: '
      + 'a second read is a 404. Claiming the secret of a launch registers its instance: it counts as running capacity '
      + 'and is no longer a candidate for scale-down or the registration timeout.',
    params: { token: tokenParam }, scopes: null, output: GetSecretResponse,
    handler: async ({ params, ctx }, services) => {
      const secret = await services.secrets.take(params.token, services.now());
      if (!secret) throw new ApiError('ResourceNotFound', NO_SUCH_SECRET);
      ctx.set('Cache-Control', 'no-store');
      return { body: { data: secret.secrets, scopes: secret.scopes, credentials: workerCredentials(secret.workerType, services) } };
    },
  }),
  defineRoute({
    name: 'instanceStarted', method: 'get', path: '/instance-started/<instanceId>/<token>', stability: 'stable',
    title: 'Report that an instance started',
    description: 'Optional check-in of a booting instance (real workers claim their secret instead, which registers them too): '
      + '204 while its secret exists and the token belongs to this instance, and the instance is registered; 404 otherwise.',
    params: { instanceId: instanceIdParam, token: tokenParam }, scopes: null,
    handler: async ({ params }, services) => {
      const outcome = await services.secrets.checkIn(params.token, params.instanceId, services.now());
      if (outcome === 'not-found') throw new ApiError('ResourceNotFound', NO_SUCH_SECRET);
      return { status: 204 };
    },
  }),
  defineRoute({
    name: 'removeSecret', method: 'delete', path: '/secret/<token>', stability: 'stable',
    title: 'Remove a secret', description: 'Deletes the secret; 204 even when absent.',
    params: { token: tokenParam }, scopes: null,
    handler: async ({ params }, services) => {
      await services.secrets.remove(params.token);
      return { status: 204 };
    },
  }),
];
