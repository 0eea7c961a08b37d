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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: { service: 'leerid' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination,
  );
}

export type { Logger };
