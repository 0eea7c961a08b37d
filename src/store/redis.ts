/**
 * The Redis connection. Tuned to fail fast instead of queueing: while Redis
 * is unreachable a command errors at once (the request becomes a 503), and
 * the client keeps reconnecting in the background until Redis is back. A
 * connection that stays open but goes silent is dropped and replaced too.
 */
import { Redis } from 'ioredis';

export type { Redis };

export interface RedisOptions {
  /** Prepended to every key, so several deployments or test runs can share one Redis. */
  keyPrefix?: string;
  /** Upper bound for one command, also when the TCP connection hangs. */
  commandTimeoutMs?: number;
}

const RECONNECT_CAP_MS = 1000;
const KEEPALIVE_DELAY_MS = 10_000;

export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const commandTimeout = options.commandTimeoutMs ?? 1000;
  const redis = new Redis(url, {
    keyPrefix: options.keyPrefix ?? '',
    lazyConnect: true,
    // A queued command would wait for a reconnect that may never come.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: commandTimeout,
    commandTimeout,
    // No reply within the command timeout: the socket is destroyed and the
    // client reconnects. A half-open connection (the peer gone without a
    // reset) would otherwise fail every command until the kernel gives up on
    // it, after a quarter of an hour.
    socketTimeout: commandTimeout,
    keepAlive: KEEPALIVE_DELAY_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_CAP_MS),
    // Commands issued in the same tick (by concurrent requests) go out in one write.
    enableAutoPipelining: true,
  });

  // Errors surface through the commands; without a listener ioredis logs each one.
  redis.on('error', () => {});
  return redis;
}

/**
 * Connects once at start. Failure is not fatal: readiness reports it and the
 * client goes on reconnecting, so a node started before Redis comes up heals.
 */
export async function connectRedis(redis: Redis): Promise<boolean> {
  try {
    await redis.connect();
    return true;
  } catch {
    return false;
  }
}

/** Closes the connection, waiting for replies to commands already sent. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  await redis.quit().catch(() => redis.disconnect());
}
