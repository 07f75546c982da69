import { Type } from '@sinclair/typebox';
import slugid from 'slugid';
import {
  IDENTIFIER_PATTERN, IDENTIFIER_REGEXP, INSTANCE_ID_PATTERN, REGION_PATTERN, REGION_REGEXP, SLUGID_PATTERN,
} from '../../src/domain/identifiers';
import { CreateSecretRequest } from '../../src/api/schemas/secret';
import { schemaProblems } from '../../src/api/validation';
import { derivedSlugid } from '../../src/slugid';

type Case = [value: string, accepted: boolean];

/** Whether the API's body validation (Ajv, which compiles `pattern` with the `u` flag) accepts `value` for `schema`. */
const validates = (schema: ReturnType<typeof Type.String>) => (value: string) => schemaProblems(schema, value, 'value').length === 0;
/** The token field of a secret body, where the API checks slugids. */
const acceptedAsToken = validates(CreateSecretRequest.properties.token);

// `accepts` is where the pattern is checked with the `u` flag: the exported RegExp where code
// uses one, or else the API's body validation.
const tables: [name: string, pattern: string, accepts: (value: string) => boolean, cases: Case[]][] = [
  ['identifier', IDENTIFIER_PATTERN, (value) => IDENTIFIER_REGEXP.test(value), [
    ['gecko-t-linux', true],
    ['a', true],
    ['Under_score-and-Dash_09', true],
    ['x'.repeat(38), true],
    ['x'.repeat(39), false],
    ['', false],
    ['has space', false],
    ['star*', false],
    ['*', false],
    ['dots..', false],
    ['slash/name', false],
    ['<workerType>', false],
    ['colon:name', false],
    ['trailing-newline\n', false],
  ]],
  ['slugid v4', SLUGID_PATTERN, acceptedAsToken, [
    ['AAAAAAAAQACAAAAAAAAAAA', true],
    ['________T_-__________w', true],
    ['Xdv7gKLUTyCw6RXYQUmavw', true],
    ['Xdv7gKLUTyCw6RXYQUmasA', true],
    ['Xdv7gKLUHyCw6RXYQUmavw', false], // version 1, not 4
    ['Xdv7gKLUTyDA6RXYQUmavw', false], // variant bits 11, not 10
    ['Xdv7gKLUTyCw6RXYQUmavx', false], // last character carries non-zero padding bits
    ['Xdv7gKLUTyCw6RXYQUmav', false],
    ['Xdv7gKLUTyCw6RXYQUmavwA', false],
    ['Xdv7gKLUTyCw6RXYQU+a/w', false], // standard, not URL-safe, base64
    ['Xdv7gKLUTyCw6RXYQUm*vw', false],
    ['', false],
  ]],
  ['instance id', INSTANCE_ID_PATTERN, validates(Type.String({ pattern: INSTANCE_ID_PATTERN })), [
    ['i-0123abcd', true],
    ['i-0123456789abcdef0', true],
    ['i-0123456789ABCDEF0', true],
    ['i-0123abc', false],
    ['i-0123abcde', false],
    ['i-0123456789abcdef', false],
    ['i-0123456789abcdef01', false],
    ['i-0123abcg', false],
    ['0123abcd', false],
    ['sir-0123abcd', false],
    ['i-0123abcd ', false],
  ]],
  ['region', REGION_PATTERN, (value) => REGION_REGEXP.test(value), [
    ['us-east-1', true],
    ['us-west-2', true],
    ['eu-central-1', true],
    ['ap-southeast-2', true],
    ['us-gov-west-1', true],
    ['cn-north-1', true],
    ['us-isob-east-1', true],
    ['us-east-1a', false],
    ['US-EAST-1', false],
    ['us-east', false],
    ['useast1', false],
    ['us-east-1/x', false],
    ['', false],
  ]],
];

describe.each(tables)('%s pattern', (_name, pattern, accepts, cases) => {
  test.each(cases)('%p -> accepted %p', (value, accepted) => {
    expect(accepts(value)).toBe(accepted);
    // The string form is what JSON schemas use; it must behave the same without the u flag.
    expect(new RegExp(pattern).test(value)).toBe(accepted);
  });
});

describe('slugid v4 pattern', () => {
  test('accepts slugids made from random v4 UUIDs', () => {
    const slugs = Array.from({ length: 200 }, () => slugid.v4());
    expect(slugs.filter((slug) => !acceptedAsToken(slug))).toEqual([]);
  });

  test('accepts derived slugids, which are nice, stable per key and label, and decode to a v4 UUID', () => {
    const key = Buffer.alloc(32, 7);
    const slugs = Array.from({ length: 200 }, (_, i) => derivedSlugid(key, `launch-${i}`));
    expect(slugs.filter((slug) => !acceptedAsToken(slug) || slug.startsWith('-'))).toEqual([]);
    expect(derivedSlugid(key, 'launch-0')).toBe(slugs[0]);
    expect(derivedSlugid(Buffer.alloc(32, 8), 'launch-0')).not.toBe(slugs[0]);
    expect(slugid.decode(slugs[0]!)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
