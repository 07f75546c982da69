// Recognises "the database cannot be reached" so the API answers 503 instead of 500.

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
/** PostgreSQL SQLSTATEs for shutdown, connection failure and too many connections. */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1017', 'P2024']);

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; cause?: unknown; message?: unknown; name?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.has(e.code) || PRISMA_UNAVAILABLE.has(e.code))) {
    return true;
  }
  if (typeof e.message === 'string' && /Connection terminated|connection timeout|Can't reach database server/i.test(e.message)) {
    return true;
  }
  return isDatabaseUnavailable(e.cause, depth + 1);
}
