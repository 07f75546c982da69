// Limit on authorized write requests: a fixed one-minute window per rate key, counted in
// PostgreSQL when a request is admitted (admission.ts), so the limit holds across every API
// replica. Anonymous routes (instance check-ins, getSecret) are never limited here. Writes
// answered 429 count too: a client that keeps hammering stays limited until the window turns.
import { createHash } from 'node:crypto';
import type { AuthenticatedClient } from './route';

export const RATE_WINDOW_MS = 60_000;

/**
 * Whose budget a write spends. Permanent credentials: their client id. Temporary
 * credentials carry their issuer's client id (every worker's credentials say `root` when
 * root issued them), so each certificate gets a budget of its own, keyed by a digest of its
 * seed: `<clientId>#temp:<32 hex digits>`. `#` cannot occur in a client id
 * (CLIENT_ID_PATTERN), so no permanent client shares a certificate's budget, and a worker
 * can neither use up its issuer's writes nor another worker's.
 */
export function rateKey(client: AuthenticatedClient): string {
  if (client.certificateSeed === undefined) return client.clientId;
  const digest = createHash('sha256').update(client.certificateSeed, 'utf8').digest('hex').slice(0, 32);
  return `${client.clientId}#temp:${digest}`;
}
