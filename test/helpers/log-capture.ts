/** A pino logger whose lines the test can read back as objects. */
import { createLogger, type Logger } from '../../src/http/logger.js';

export interface CapturedLog {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Lines carrying this reason code. */
  withReason(reason: string): Record<string, unknown>[];
}

export function captureLog(level = 'info'): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, {
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { logger, lines, withReason: (reason) => lines.filter((l) => l.reason === reason) };
}
