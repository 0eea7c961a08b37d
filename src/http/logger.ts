/**
 * Application logs: pino JSON. Redaction is configured here, once, for every
 * field that could carry a secret or a person's identity. (`code` is not on
 * the list: it is how errors name their stable code; authorization codes
 * never reach a log line, as the log-capture test checks.)
 */
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'insz',
  '*.insz',
  'name',
  'given_name',
  'family_name',
  '*.given_name',
  '*.family_name',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * Standard output by default, written in blocks of at least 4 KiB and at
 * least every 250 ms rather than one write per line: a node logs several
 * lines per login, and each write is a system call that wakes the reader.
 * pino flushes what is left when the process exits.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: { service: 'leerid' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination ?? pino.destination({ dest: 1, minLength: 4096, periodicFlush: 250 }),
  );
}

const MAX_MESSAGE = 300;
/** knex puts its statement before the driver's message ("<sql> - <message>"): noise, literals. */
const KNEX_STATEMENT = /^\s*(select|insert|update|delete|with)\b[\s\S]* - /i;

/**
 * What a 500's log line says about its cause: name, stable code, message and
 * the same of its cause. Not the error's other fields, which may carry request
 * data (a pg error's detail quotes row values). In the message, quoted text
 * other than a plain SQL identifier and long digit runs are masked: PostgreSQL
 * quotes the value it refused ('invalid input syntax for type uuid: "…"').
 */
export function errorSummary(error: unknown, depth = 0): Record<string, unknown> {
  const err = (error ?? {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  const message = String(err.message ?? error)
    .replace(KNEX_STATEMENT, '')
    .replace(/"([^"]*)"/g, (quoted, inner: string) =>
      /^[a-z_][a-z0-9_]*$/.test(inner) ? quoted : '"…"',
    )
    .replace(/\d{6,}/g, '…');
  return {
    name: String(err.name ?? typeof error),
    ...(err.code !== undefined ? { code: String(err.code) } : {}),
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
    ...(err.cause && depth < 2 ? { cause: errorSummary(err.cause, depth + 1) } : {}),
  };
}

export type { Logger };
