// Slugids as TaskCluster makes them come from the `slugid` package (`slugid.nice()` for new
// ids and tokens). What the package lacks is a deterministic slugid, derived here and
// encoded by the package, so both kinds have one encoding.
import { createHmac } from 'node:crypto';
import slugid from 'slugid';

/**
 * A "nice" v4 slugid derived from a key and a label: the same inputs always give the same
 * token, and without the key it cannot be guessed. A retried launch therefore rebuilds exactly
 * the same user data (so EC2's ClientToken idempotency holds) without the token ever being
 * written to workflow history.
 */
export function derivedSlugid(key: Buffer, label: string): string {
  const bytes = createHmac('sha256', key).update(label, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // UUID version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  bytes[0] = bytes[0]! & 0x7f; // "nice": never starts with `-`
  const hex = bytes.toString('hex');
  return slugid.encode(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
}
