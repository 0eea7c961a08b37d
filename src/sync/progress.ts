/**
 * Progress of a sync run: a bar on a terminal, one structured log line per
 * phase (and every 10% of the file) otherwise, for cron and systemd logs.
 */
import type { Logger } from 'pino';
import type { ProgressEvent } from './index.js';

export function createProgress(
  logger: Logger,
  stream: NodeJS.WriteStream = process.stderr,
): { onProgress: (event: ProgressEvent) => void; done: () => void } {
  return stream.isTTY ? terminalBar(stream) : logLines(logger);
}

function terminalBar(stream: NodeJS.WriteStream) {
  const width = 30;
  let lastDraw = 0;

  const draw = (event: ProgressEvent) => {
    const share = event.size ? Math.min(1, (event.bytesRead ?? 0) / event.size) : 1;
    const filled = Math.round(share * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const rows = event.rows === undefined ? '' : ` ${event.rows.toLocaleString('en')} rows`;
    stream.write(`\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${event.phase}${rows}\x1b[K`);
  };

  return {
    onProgress(event: ProgressEvent) {
      const now = Date.now();
      if (event.phase === 'read' && now - lastDraw < 100) return;
      lastDraw = now;
      draw(event);
    },
    done: () => stream.write('\n'),
  };
}

function logLines(logger: Logger) {
  let lastPhase = '';
  let nextTenth = 1;

  return {
    onProgress(event: ProgressEvent) {
      if (event.phase === 'read' && event.size) {
        const tenth = Math.floor(((event.bytesRead ?? 0) / event.size) * 10);
        if (tenth < nextTenth) return;
        nextTenth = tenth + 1;
        logger.info({ phase: 'read', percent: tenth * 10, rows: event.rows }, 'sync progress');
        return;
      }
      if (event.phase === lastPhase) return;
      lastPhase = event.phase;
      logger.info({ phase: event.phase, rows: event.rows }, 'sync progress');
    },
    done: () => {},
  };
}
