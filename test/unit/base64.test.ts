import { base64EncodeUtf8, base64FromBytes, utf8Bytes } from '../../src/domain/base64';

describe('base64EncodeUtf8', () => {
  test.each([
    // RFC 4648 §10 test vectors.
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
    // Two-, three- and four-byte UTF-8 sequences.
    ['é', 'w6k='],
    ['€', '4oKs'],
    ['😀', '8J+YgA=='],
    ['{"a":"ü✓"}', 'eyJhIjoiw7zinJMifQ=='],
    // A lone surrogate is encoded as U+FFFD (EF BF BD), as TextEncoder does.
    ['\ud800', '77+9'],
  ])('%p -> %p', (text, expected) => {
    expect(base64EncodeUtf8(text)).toBe(expected);
  });

  test.each(['plain ascii', 'grüße, 東京, 🚀🚀', 'a\u0000b', 'x\udc00y\ud83d'])(
    'agrees with Buffer and TextEncoder for %p',
    (text) => {
      expect(utf8Bytes(text)).toEqual([...new TextEncoder().encode(text)]);
      expect(base64EncodeUtf8(text)).toBe(Buffer.from(new TextEncoder().encode(text)).toString('base64'));
    },
  );
});

describe('base64FromBytes', () => {
  test('encodes every byte value, including those that map to + and /', () => {
    const bytes = Array.from({ length: 256 }, (_, i) => 255 - i);
    expect(base64FromBytes(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  test.each([[[0xfb, 0xff], '+/8='], [[0xff, 0xff, 0xff], '////'], [[0], 'AA==']])(
    '%p -> %p',
    (bytes, expected) => {
      expect(base64FromBytes(bytes)).toBe(expected);
    },
  );
});
