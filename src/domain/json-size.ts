// Sizes of JSON texts, measured without building them. A merge of layered objects (see
// `cascade` in json.ts) replaces whole top-level members, so the size of a merged object
// follows from the sizes of the members of its layers: each layer is serialised once, however
// many region x zone x instance type combinations use it.
//
// Sizes are UTF-8 bytes of the text JSON.stringify produces, without indentation. Values must
// be JSON values, as parsed from a request body: undefined or a function, which JSON.stringify
// leaves out of an object, would be miscounted.

import type { JsonObject } from './worker-type';

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/** Bytes of each member of an object's JSON text, `"key":value`, by key. */
export type MemberSizes = ReadonlyMap<string, number>;

export function memberSizes(obj: JsonObject): MemberSizes {
  return new Map(Object.entries(obj).map(([key, value]) => [key, utf8Length(`${JSON.stringify(key)}:${JSON.stringify(value)}`)]));
}

/** The members of a merged object, with the sum of their sizes. */
export interface SizedObject {
  members: MemberSizes;
  sum: number;
}

/** Bytes of the JSON text of an object with `count` members of `sum` bytes: braces and commas. */
function objectBytes(count: number, sum: number): number {
  return 2 + sum + Math.max(0, count - 1);
}

/** The members of cascade(layers): a later layer's member replaces an earlier one. */
export function mergeSizes(layers: readonly MemberSizes[]): SizedObject {
  const members = new Map<string, number>();
  for (const layer of layers) layer.forEach((size, key) => members.set(key, size));
  let sum = 0;
  members.forEach((size) => { sum += size; });
  return { members, sum };
}

/**
 * Bytes of the JSON text of cascade([...base layers, ...tops]), in O(members of `tops`): the
 * base is merged once and shared by every combination built on it.
 */
export function mergedBytes(base: SizedObject, tops: readonly MemberSizes[]): number {
  let sum = base.sum;
  let count = base.members.size;
  const seen = new Set<string>();
  // The last top holding a key wins, so tops are read from the last one.
  for (let i = tops.length - 1; i >= 0; i--) {
    tops[i]?.forEach((size, key) => {
      if (seen.has(key)) return;
      seen.add(key);
      const replaced = base.members.get(key);
      if (replaced === undefined) count += 1;
      sum += size - (replaced ?? 0);
    });
  }
  return objectBytes(count, sum);
}
