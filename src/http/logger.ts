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

export type { Logger };
