import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './settings.js';

/** How code outside the HTTP layer reports a problem: a message, and the error when there is one. */
export type Log = (message: string, error?: unknown) => void;

const MAX_CAUSES = 3;

/** The fields of an error worth a log line; never its other properties, where drivers put row values. */
function errorFields(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const cause =
    error.cause !== undefined && depth < MAX_CAUSES ? errorFields(error.cause, depth + 1) : undefined;
  return { type: error.name, message: error.message, code, stack: error.stack, cause };
}

/**
 * Keys that never reach a log line, should a caller ever log an object carrying them. Request lines log
 * none of them anyway (`request-log.ts`).
 */
const SECRET_KEYS = ['password', 'token', 'authorization', 'cookie', 'headers', 'body', 'query'];

/** JSON lines on stdout (or `destination`): `level` by name, ISO `time`, `msg`, then the fields. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { err: errorFields },
    redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((key) => `*.${key}`)], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The `log(message, error)` the rest of the server takes: an error when one is given, else a warning. */
export function logFunction(logger: Logger): Log {
  return (message, error) => {
    if (error === undefined) logger.warn(message);
    else logger.error({ err: error }, message);
  };
}
