// Helpers over parsed JSON values. Objects are rebuilt with Object.fromEntries, which defines
// own properties: a user key named `__proto__` stays data and never replaces a prototype, as
// assignment (`obj[key] = v`, Object.assign) would make it.

import type { JsonObject } from './worker-type';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of a JSON value; sharing nothing with the input. */
function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((item: unknown) => cloneJson(item)) as T;
  }
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneJson(v)])) as T;
  }
  return value;
}

/**
 * Deep copy of `layers[0]` with each later layer's top-level keys replacing earlier ones
 * (no deep merge: a later `BlockDeviceMappings` replaces an earlier one entirely).
 */
export function cascade(layers: readonly JsonObject[]): JsonObject {
  return Object.fromEntries(layers.flatMap((layer) => Object.entries(cloneJson(layer))));
}

/** The value `key` has in cascade(layers), without building it: the last layer holding it wins. */
export function mergedMember(layers: readonly JsonObject[], key: string): unknown {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (layer !== undefined && Object.hasOwn(layer, key)) return layer[key];
  }
  return undefined;
}
