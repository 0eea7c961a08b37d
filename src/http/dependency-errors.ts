/**
 * Tells a dependency outage (PostgreSQL or Redis unreachable, a connection
 * cut, a timeout waiting for one) from an ordinary bug, so the first can be
 * answered with 503 and the second stays a 500 worth a look.
 */
export type Dependency = 'database' | 'redis';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const REDIS_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Command timed out',
  'Reached the max retries per request limit',
];

const DATABASE_MESSAGES = [
  'Timeout acquiring a connection',
  'Connection terminated',
  'is not queryable',
  'connection is closed',
  'the database system is shutting down',
  'the database system is starting up',
];

/** The dependency behind `error` (or its causes), or undefined for anything else. */
export function dependencyOf(error: unknown): Dependency | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const found = classify(current as { name?: string; message?: string; code?: string });
    if (found) return found;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function classify(error: { name?: string; message?: string; code?: string }) {
  const message = String(error.message ?? '');
  // Ours: a statement that got no answer in time (src/store/db.ts).
  if (error.code === 'store.unavailable') return 'database';
  if (error.name === 'MaxRetriesPerRequestError') return 'redis';
  if (REDIS_MESSAGES.some((text) => message.includes(text))) return 'redis';
  if (error.name === 'KnexTimeoutError') return 'database';
  if (DATABASE_MESSAGES.some((text) => message.includes(text))) return 'database';
  // PostgreSQL SQLSTATE class 08 (connection exception) and 57P0x (shutdown).
  if (/^(08|57P0)/.test(String(error.code ?? ''))) return 'database';
  if (NETWORK_CODES.has(String(error.code ?? ''))) {
    return /redis/i.test(String(error.name) + message) ? 'redis' : 'database';
  }
  return undefined;
}
