// Structured JSON logs. Known secret-bearing fields are censored wherever they appear,
// as a second line of defence: code must not log tokens or secrets in the first place.
// An error logged as `err` (or `error`) keeps its cause chain (./log-errors.ts).
import pino, { type DestinationStream, type Logger } from 'pino';
import { serializeError } from './log-errors';

export type { Logger };

const SECRET_FIELDS = ['token', 'accessToken', 'securityToken', 'authorization', 'secrets', 'certificate', 'password', 'apiKey'];
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError, error: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
