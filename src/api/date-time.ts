// Instants from the RFC 3339 `date-time` strings the request schemas accept (ajv-formats,
// full mode), not all of which JavaScript's Date parser understands.

/** The seconds field of a leap second: `23:59:60`, after the `T` (or `t`, or space) separator. */
const LEAP_SECOND = /([T\s]\d{2}:\d{2}:)60/i;

/**
 * The instant a schema-valid date-time names. A leap second, valid in RFC 3339 and refused
 * by Date, is the end of its minute, as POSIX time counts it. Throws RangeError for text
 * that is not a date-time: callers validate against the schema first, so that is a bug.
 */
export function parseDateTime(text: string): Date {
  const leap = LEAP_SECOND.test(text);
  const ms = Date.parse(leap ? text.replace(LEAP_SECOND, '$159') : text) + (leap ? 1000 : 0);
  if (Number.isNaN(ms)) throw new RangeError(`not an RFC 3339 date-time: ${text.slice(0, 64)}`);
  return new Date(ms);
}

/**
 * The earliest instant PostgreSQL stores as an ISO year: it has no year 0, which RFC 3339
 * allows (`0000-01-01T00:00:00Z`).
 */
export const EARLIEST_STORABLE = new Date('0001-01-01T00:00:00Z');
