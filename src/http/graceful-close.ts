/**
 * Stops an HTTP server without cutting requests short: no new connections,
 * idle keep-alive connections closed at once, busy ones as soon as their
 * request is answered, and whatever still runs after the grace period is
 * cut so the process cannot hang on a stuck client.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const IDLE_SWEEP_MS = 100;

export async function closeGracefully(
  server: Server,
  graceMs: number,
): Promise<'clean' | 'forced'> {
  let forced = false;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));

  // A connection that finishes its request becomes idle; close it then.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const deadline = setTimeout(() => {
    forced = true;
    server.closeAllConnections();
  }, graceMs);

  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
  return forced ? 'forced' : 'clean';
}

export interface RequestTracker {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Handlers still running, also those whose connection was cut. */
  running(): number;
  /** Resolves when every handler started so far has finished. */
  settled(): Promise<void>;
  /** From now on each answer closes its keep-alive connection. */
  drain(): void;
}

/**
 * Counts the app's request handlers. Cutting a connection does not stop its
 * handler: it runs on until its database or Redis call returns, so Redis and
 * the database may close only after it ends.
 */
export function trackRequests(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
): RequestTracker {
  const running = new Set<Promise<unknown>>();
  let draining = false;

  return {
    handle(req, res) {
      // Keep-alive clients move to another node while this one drains.
      if (draining) res.setHeader('Connection', 'close');
      const handled = handler(req, res);
      running.add(handled);
      const done = () => running.delete(handled);
      handled.then(done, done);
    },
    running: () => running.size,
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    drain() {
      draining = true;
    },
  };
}
