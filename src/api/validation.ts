// Runtime validation of inputs and outputs against the payload schemas.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const cache = new WeakMap<TSchema, ValidateFunction>();

function compiled(schema: TSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile({ ...schema, $id: undefined });
    cache.set(schema, fn);
  }
  return fn;
}

/** Returns human-readable problems naming the field, or [] when the value is valid. */
export function schemaProblems(schema: TSchema, value: unknown, root: string): string[] {
  const fn = compiled(schema);
  if (fn(value)) return [];
  return (fn.errors ?? []).slice(0, 10).map((e) => describe(e, root));
}

function describe(error: ErrorObject, root: string): string {
  const path = root + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path}/${String(params.additionalProperty)}: unknown field`;
    case 'required':
      return `${path}/${String(params.missingProperty)}: required field is missing`;
    case 'pattern':
      return `${path}: must match ${String(params.pattern)}`;
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}
