// Slugids as TaskCluster uses them: a v4 UUID in URL-safe base64, 22 characters. "Nice"
// slugids clear the first bit so they never start with `-`.
import { createHmac, randomBytes } from 'node:crypto';

function slugidFromBytes(source: Buffer): string {
  const bytes = Buffer.from(source.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // UUID version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('base64url');
}

export function newSlugid(): string {
  return slugidFromBytes(randomBytes(16));
}

/**
 * A slugid derived from a key and a label: the same inputs always give the same token, and
 * without the key it cannot be guessed. A retried launch therefore rebuilds exactly the
 * same user data (so EC2's ClientToken idempotency holds) without the token ever being
 * written to workflow history.
 */
export function derivedSlugid(key: Buffer, label: string): string {
  return slugidFromBytes(createHmac('sha256', key).update(label, 'utf8').digest());
}
