// Who signs the temporary credentials handed to booting workers. Never `root`: credentials
// carry their issuer's client id, so root-issued ones would share root's identity in logs and
// audit trails. Configured (TASKCLUSTER_CLIENT_ID/TASKCLUSTER_ACCESS_TOKEN: in a TaskCluster
// deployment a client of its Auth service holding the worker scopes), or else the built-in
// `worker-credentials` client, whose token is derived from SECRETS_KEY so every replica agrees
// on it without storing it, and whose scopes are exactly what worker credentials get.
import { createHmac } from 'node:crypto';
import type { Config } from '../../config';
import { BUILT_IN_ISSUER_ID, type ClientCredentials } from '../../db/clients';

export { BUILT_IN_ISSUER_ID };

/** The scopes of one worker type's credentials (as the original gave them). */
export function workerScopes(provisionerId: string, workerType: string): string[] {
  return [`assume:worker-type:${provisionerId}/${workerType}`, 'assume:worker-id:*'];
}

/** The issuer's credentials; the built-in one when none is configured. */
export function workerCredentialsIssuer(config: Config): ClientCredentials {
  const configured = config.credentialsIssuer;
  if (configured.accessToken) return { clientId: configured.clientId, accessToken: configured.accessToken, scopes: [], expires: null };
  if (!config.secretsKey) throw new Error('secretsKey must be resolved before the API starts');
  return {
    clientId: BUILT_IN_ISSUER_ID,
    accessToken: createHmac('sha256', config.secretsKey).update('worker-credentials-issuer').digest('base64url'),
    scopes: workerScopes(config.provisionerId, '*'),
    expires: null,
  };
}
