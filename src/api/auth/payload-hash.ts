// The Hawk payload hash check, one rule for both authenticators. In delegated mode the
// Auth service only reports the header's `hash`; comparing it with the body is ours, as
// taskcluster-lib-api does it.
import { timingSafeEqual } from 'node:crypto';
import * as hawk from 'hawk';
import type { HawkRequest } from './authenticator';

/**
 * Whether `hash` (base64, from the Hawk header) matches the body as received. hawk hashes
 * the UTF-8 bytes of the client's string, so hashing the bytes themselves is the same for
 * every valid body and cannot be fooled by invalid UTF-8 that decodes to the same string.
 * False when the body is not available. Errors of `readPayload` (an oversized body) propagate.
 */
export async function payloadHashMatches(req: HawkRequest, hash: string): Promise<boolean> {
  if (!req.readPayload) return false;
  const { body, contentType } = await req.readPayload();
  const expected = Buffer.from(hawk.crypto.calculatePayloadHash(body, 'sha256', contentType), 'utf8');
  const given = Buffer.from(hash, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
