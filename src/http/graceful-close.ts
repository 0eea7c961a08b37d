/**
 * Stops an HTTP server without cutting requests short: no new connections,
 * idle keep-alive connections closed at once, busy ones as soon as their
 * request is answered, and whatever still runs after the grace period is
 * cut so the process cannot hang on a stuck client.
 */
import type { Server } from 'node:http';

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
