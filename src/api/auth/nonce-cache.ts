// In-memory Hawk nonce store for a single API process. With several replicas a replay
// could reach a replica that has not seen the nonce; that case needs a shared store.

export type NonceSeen = (key: string, ts: number) => Promise<boolean>;

export interface MemoryNonceCacheOptions {
  /**
   * How long a key is remembered, from the moment it is first seen. A request stays
   * acceptable while its timestamp is within the skew of the server clock, so this must be
   * at least twice the authenticator's timestamp skew (a timestamp up to one skew ahead
   * remains valid for two skews).
   */
  ttlMs: number;
  /**
   * Upper bound on remembered keys. When full, the oldest key is forgotten: memory stays
   * bounded at the price of replay protection for that key under a flood of requests.
   */
  maxEntries: number;
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
}

/**
 * Returns `nonceSeen(key, ts)`: resolves true when `key` was recorded within the last
 * `ttlMs`, otherwise records it and resolves false. `ts` (the request timestamp) is not
 * needed here because expiry counts from first sight. Never rejects.
 */
export function createMemoryNonceCache(opts: MemoryNonceCacheOptions): NonceSeen {
  if (!(opts.ttlMs > 0)) throw new RangeError('ttlMs must be positive');
  if (!Number.isInteger(opts.maxEntries) || opts.maxEntries < 1) {
    throw new RangeError('maxEntries must be a positive integer');
  }
  const clock = opts.now ?? Date.now;
  // Insertion order equals expiry order (constant ttl), so the oldest entries come first.
  const expiresAt = new Map<string, number>();

  const evictExpired = (now: number): void => {
    for (const [key, expiry] of expiresAt) {
      if (expiry > now) break;
      expiresAt.delete(key);
    }
  };

  return async (key: string, _ts: number): Promise<boolean> => {
    const now = clock();
    evictExpired(now);
    const expiry = expiresAt.get(key);
    if (expiry !== undefined && expiry > now) return true;
    expiresAt.delete(key);
    expiresAt.set(key, now + opts.ttlMs);
    if (expiresAt.size > opts.maxEntries) {
      const oldest = expiresAt.keys().next();
      if (!oldest.done) expiresAt.delete(oldest.value);
    }
    return false;
  };
}
