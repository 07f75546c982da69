// Structured JSON logs. Known secret-bearing fields are censored wherever they appear,
// as a second line of defence: code must not log tokens or secrets in the first place.
// An error logged as `err` (or `error`) keeps its cause chain (./log-errors.ts).
import pino, { type DestinationStream, type Logger } from 'pino';
import { serializeError } from './log-errors';

export type { Logger };

const SECRET_FIELDS = ['token', 'accessToken', 'securityToken', 'authorization', 'secrets', 'certificate', 'password', 'apiKey'];
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

/** The twin without redaction of each logger made here (see safeFieldsLogger). */
const twins = new WeakMap<Logger, Logger>();

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const base = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  // One stream for both loggers, so their lines never interleave mid-line.
  const stream = destination ?? pino.destination({ dest: process.stdout.fd || 1 });
  const logger = pino({ ...base, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers: { err: serializeError, error: serializeError } }, stream);
  twins.set(logger, pino(base, stream));
  return logger;
}

/**
 * The same output and level as `logger`, without the redaction walk: only for lines whose
 * every field is known to be safe (no URL, header, body or error), such as the API's
 * per-request line (src/api/monitoring.ts), logged on every request. `logger` itself when
 * it was not made by createLogger.
 */
export function safeFieldsLogger(logger: Logger): Logger {
  return twins.get(logger) ?? logger;
}
