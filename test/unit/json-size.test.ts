// Sizes of merged JSON objects computed from their layers must equal the bytes of the text
// JSON.stringify gives for the merge itself.
import { cascade } from '../../src/domain/json';
import { memberSizes, mergeSizes, mergedBytes, utf8Length } from '../../src/domain/json-size';
import type { JsonObject } from '../../src/domain/worker-type';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('utf8Length', () => {
  test.each([
    ['', 0], ['ascii', 5], ['é', 2], ['€', 3], ['😀', 4], ['a"\\b', 4], ['東京', 6],
  ])('%p is %d bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(Buffer.byteLength(text, 'utf8')).toBe(bytes);
  });
});

describe('mergedBytes equals the bytes of JSON.stringify(cascade(...))', () => {
  const proto = JSON.parse('{"__proto__": {"x": 1}}') as JsonObject;
  const rows: [string, JsonObject[], JsonObject[]][] = [
    ['all empty', [{}, {}], [{}, {}]],
    ['one member in the base', [{ a: 1 }, {}], [{}, {}]],
    ['one member on top', [{}, {}], [{}, { a: 1 }]],
    ['a top replaces a base member by a longer one', [{ a: 1, b: 'two' }], [{ a: [1, 2, 3] }]],
    ['a top replaces a base member by a shorter one', [{ a: 'a long string value', b: 2 }], [{ a: 0 }]],
    ['the last top wins over an earlier top', [{ a: 1 }], [{ a: 'zone', z: true }, { a: 'type-wins' }]],
    ['base layers replace each other', [{ a: 1, b: 2 }, { b: { deep: [null, false] } }], [{ c: 'c' }]],
    ['non-ASCII keys and values', [{ 'clé': 'grüße ✓' }], [{ '東京': '🚀', 'clé': '€' }]],
    ['escapes in keys and values', [{ 'q"uote': 'back\\slash\n' }], [{ tab: '\t\u0001' }]],
    ['a member named __proto__', [proto], [{ a: 1 }]],
    ['numbers JSON writes in exponent form', [{ tiny: 1e-7, big: 1e21, neg: -0.5 }], [{}]],
  ];

  test.each(rows)('%s', (_name, baseLayers, tops) => {
    const base = mergeSizes(baseLayers.map(memberSizes));
    expect(mergedBytes(base, tops.map(memberSizes))).toBe(bytesOf(cascade([...baseLayers, ...tops])));
  });
});
