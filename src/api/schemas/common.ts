// Building blocks shared by the payload schemas. Each schema is the single source of
// the TypeScript type (Static<>), the runtime check (ajv) and the published OpenAPI document.
import { Type } from '@sinclair/typebox';

import { IDENTIFIER_PATTERN, INSTANCE_ID_PATTERN, REGION_PATTERN, SLUGID_PATTERN } from '../../domain/identifiers';

export { IDENTIFIER_PATTERN, INSTANCE_ID_PATTERN, REGION_PATTERN, SLUGID_PATTERN };
export const ZONE_PATTERN = REGION_PATTERN.replace(/\$$/, '[a-z]$');
const PRINTABLE_ASCII_PATTERN = '^[\\x20-\\x7e]*$';

/** Upper bound for free text fields; the request body as a whole is capped at 1 MiB. */
export const MAX_TEXT = 10000;

export const Identifier = (description: string) =>
  Type.String({ pattern: IDENTIFIER_PATTERN, minLength: 1, maxLength: 38, description });

export const JsonObject = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), { description });

/** Static secrets must be empty: worker secrets belong in the TaskCluster secrets service. */
export const EmptySecrets = Type.Object({}, {
  additionalProperties: false,
  description: 'Must be `{}`. Put worker secrets in the TaskCluster secrets service instead.',
});

export const Scopes = (description: string) =>
  Type.Array(Type.String({ pattern: PRINTABLE_ASCII_PATTERN, maxLength: 500 }), { maxItems: 500, description });

export const DateTime = (description: string) => Type.String({ format: 'date-time', description });

export const ErrorBody = Type.Object({
  code: Type.String({ description: 'Stable error code, e.g. InputError or ResourceNotFound' }),
  message: Type.String({ description: 'What went wrong, naming the offending field where there is one' }),
}, { additionalProperties: false });

export const Outcome = Type.Object({ outcome: Type.String() }, { additionalProperties: false });

/**
 * Most items listWorkerTypes, listWorkerTypeSummaries and listAmiSets return (the first in
 * name order); keeps a response, and the memory it takes to build, bounded.
 */
export const MAX_LIST_ITEMS = 10000;
