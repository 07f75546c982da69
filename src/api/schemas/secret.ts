// Secret payloads: the one-time handshake of a booting instance.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Identifier, JsonObject, SLUGID_PATTERN, Scopes } from './common';

export const CreateSecretRequest = Type.Object({
  workerType: Identifier('Worker type the secret is for; the caller needs aws-provisioner:create-secret:<workerType>'),
  secrets: JsonObject('Data returned to the instance as `data`'),
  scopes: Scopes('Echoed back to the instance; the credentials carry the fixed worker scopes'),
  token: Type.String({ pattern: SLUGID_PATTERN, description: 'Must equal the token in the URL' }),
  expiration: DateTime('After this the secret cannot be read'),
}, { additionalProperties: false, $id: 'create-secret-request' });
export type CreateSecretRequest = Static<typeof CreateSecretRequest>;

export const GetSecretResponse = Type.Object({
  data: JsonObject('The stored secrets'),
  scopes: Type.Array(Type.String()),
  credentials: Type.Object({
    clientId: Type.String(),
    accessToken: Type.String(),
    certificate: Type.String({ description: 'Temporary credentials certificate (JSON string)' }),
  }, { additionalProperties: false }),
}, { additionalProperties: false, $id: 'get-secret-response' });
export type GetSecretResponse = Static<typeof GetSecretResponse>;
