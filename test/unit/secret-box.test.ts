// Encryption at rest (src/db/secret-box.ts): values round-trip, are bound to their associated
// data and key, and every encryption has an IV of its own, across refills of the IV pool.
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/db/secret-box';

const box = new SecretBox(randomBytes(32));
const ivOf = (value: string) => Buffer.from(value.split('.')[1]!, 'base64url');

test('a value decrypts with its associated data', () => {
  const sealed = box.encrypt('{"password":"é ☃"}', 'secret:abc:wt');
  expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/);
  expect(box.decrypt(sealed, 'secret:abc:wt')).toBe('{"password":"é ☃"}');
});

test.each([
  ['other associated data', (v: string) => box.decrypt(v, 'secret:abc:other')],
  ['another key', (v: string) => new SecretBox(randomBytes(32)).decrypt(v, 'secret:abc:wt')],
  ['a changed ciphertext', (v: string) => box.decrypt(`${v.slice(0, -2)}${v.endsWith('AA') ? 'BA' : 'AA'}`, 'secret:abc:wt')],
  ['another IV', (v: string) => box.decrypt(['v1', randomBytes(12).toString('base64url'), ...v.split('.').slice(2)].join('.'), 'secret:abc:wt')],
  ['another format', (v: string) => box.decrypt(v.replace(/^v1/, 'v2'), 'secret:abc:wt')],
])('%s does not decrypt', (_what, open) => {
  const sealed = box.encrypt('{"password":"x"}', 'secret:abc:wt');
  expect(() => open(sealed)).toThrow();
});

test('every encryption has its own 12-byte IV, over several refills of the pool', () => {
  const ivs = Array.from({ length: 2_000 }, () => ivOf(box.encrypt('same', 'same')));
  expect(ivs.every((iv) => iv.length === 12)).toBe(true);
  expect(new Set(ivs.map((iv) => iv.toString('hex'))).size).toBe(2_000);
  // Two boxes draw from pools of their own: no IV is shared between them either.
  const other = new SecretBox(randomBytes(32));
  const others = Array.from({ length: 300 }, () => ivOf(other.encrypt('same', 'same')).toString('hex'));
  expect(others.filter((iv) => ivs.some((mine) => mine.toString('hex') === iv))).toEqual([]);
});
