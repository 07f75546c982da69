// The parts of input handling that once answered 500: RFC 3339 times JavaScript's Date does
// not read, and bodies PostgreSQL cannot store or recursive code cannot walk.
import { EARLIEST_STORABLE, parseDateTime } from '../../src/api/date-time';
import { MAX_BODY_DEPTH, unstorable } from '../../src/api/body';

describe('parseDateTime', () => {
  test.each([
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['2016-12-31t23:59:60.5z', '2017-01-01T00:00:00.500Z'],
    ['2016-12-31T23:59:60+00:00', '2017-01-01T00:00:00.000Z'],
    ['2020-01-01t10:00:00z', '2020-01-01T10:00:00.000Z'],
    ['2020-01-01T00:00:00+23:59', '2019-12-31T00:01:00.000Z'],
    ['2020-01-01T00:00:00.123456789Z', '2020-01-01T00:00:00.123Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseDateTime(text).toISOString()).toBe(iso);
  });

  test('year 0000 parses, before the earliest instant the database stores', () => {
    expect(parseDateTime('0000-01-01T00:00:00Z').getTime()).toBeLessThan(EARLIEST_STORABLE.getTime());
  });

  test('text that is no date-time is a RangeError', () => {
    expect(() => parseDateTime('yesterday')).toThrow(RangeError);
  });
});

describe('unstorable', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });

  test('ordinary bodies pass', () => {
    expect(unstorable({ a: [1, 'x', null, true, { b: {} }] }, 'body')).toBeUndefined();
    expect(unstorable(nested(MAX_BODY_DEPTH), 'body')).toBeUndefined();
  });

  test('U+0000 in a string or a key is named by path', () => {
    expect(unstorable({ userData: { list: ['ok', 'a\u0000b'] } }, 'body')).toBe('body/userData/list/1: must not contain U+0000');
    expect(unstorable({ userData: { 'k\u0000': 1 } }, 'body')).toBe('body/userData: object keys must not contain U+0000');
  });

  test.each([
    ['a lone high surrogate', 'a\ud800b'],
    ['a high surrogate at the end', 'ab\udbff'],
    ['a lone low surrogate', '\udc00'],
    ['a pair in the wrong order', '\udc00\ud800'],
    ['a pair followed by a lone low surrogate', '\ud83d\ude00\ude00'],
  ])('%s in a string or a key is named by path', (_name, text) => {
    expect(unstorable({ userData: { list: ['ok', text] } }, 'body')).toBe('body/userData/list/1: must not contain a lone UTF-16 surrogate');
    expect(unstorable({ userData: { [text]: 1 } }, 'body')).toBe('body/userData: object keys must not contain a lone UTF-16 surrogate');
  });

  test('surrogate pairs (characters outside the BMP) pass', () => {
    expect(unstorable({ ['\ud83d\ude00']: ['\ud83d\ude00', 'x\u{10FFFF}y', '\uffff'] }, 'body')).toBeUndefined();
  });

  test('nesting past the limit is refused without recursion, however deep', () => {
    expect(unstorable(nested(MAX_BODY_DEPTH + 1), 'body')).toMatch(/nested deeper than 64 levels$/);
    const depth = 200_000;
    expect(unstorable(JSON.parse('['.repeat(depth) + ']'.repeat(depth)), 'body')).toMatch(/nested deeper/);
  });
});
