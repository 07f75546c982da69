// Slugids as TaskCluster uses them: a random (v4) UUID in URL-safe base64, 22 characters.
// "Nice" slugids clear the first bit so they never start with `-`.
import { randomBytes } from 'node:crypto';

export function newSlugid(): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // UUID version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('base64url');
}
