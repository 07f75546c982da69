// Base64 of the UTF-8 bytes of a string, without Buffer or btoa (btoa takes latin1 only), so the
// same code runs in Node and in the workflow sandbox.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const REPLACEMENT_CHARACTER = 0xfffd;

function pushCodePoint(bytes: number[], cp: number): void {
  if (cp < 0x80) {
    bytes.push(cp);
  } else if (cp < 0x800) {
    bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  } else {
    bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
}

/** UTF-8 bytes of `text`; a lone surrogate becomes U+FFFD, as TextEncoder does. */
export function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0) ?? REPLACEMENT_CHARACTER;
    const loneSurrogate = cp >= 0xd800 && cp <= 0xdfff;
    pushCodePoint(bytes, loneSurrogate ? REPLACEMENT_CHARACTER : cp);
  }
  return bytes;
}

/** Standard base64 (RFC 4648 §4, with `=` padding) of `bytes`. */
export function base64FromBytes(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const group = (b0 << 16) | (b1 << 8) | b2;
    out += ALPHABET.charAt((group >> 18) & 63) + ALPHABET.charAt((group >> 12) & 63);
    out += i + 1 < bytes.length ? ALPHABET.charAt((group >> 6) & 63) : '=';
    out += i + 2 < bytes.length ? ALPHABET.charAt(group & 63) : '=';
  }
  return out;
}

export function base64EncodeUtf8(text: string): string {
  return base64FromBytes(utf8Bytes(text));
}
