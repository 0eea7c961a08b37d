/**
 * Test Redis: LEERID_TEST_REDIS_URL (CI uses db 15). Each call gets its own
 * key prefix, so suites and engineers sharing the server never collide, and
 * cleanup removes exactly that prefix.
 */
import { randomUUID } from 'node:crypto';
import { closeRedis, connectRedis, createRedis, type Redis } from '../../src/store/redis.js';

export const TEST_REDIS_URL = process.env.LEERID_TEST_REDIS_URL || undefined;

/**
 * CI runs the PostgreSQL phase with Redis; there a missing URL is a broken
 * set-up, not a reason to skip the Redis suites quietly.
 */
export function redisRequired(): boolean {
  return Boolean(process.env.CI && process.env.LEERID_TEST_DATABASE_URL);
}

export function testRedisPrefix(): string {
  return `leerid-test:${randomUUID().slice(0, 8)}:`;
}

export async function testRedis(
  url = TEST_REDIS_URL,
  prefix = testRedisPrefix(),
): Promise<{ redis: Redis; prefix: string; cleanup(): Promise<void> }> {
  if (!url) throw new Error('LEERID_TEST_REDIS_URL is not set');
  const redis = createRedis(url, { keyPrefix: prefix });
  if (!(await connectRedis(redis))) throw new Error(`cannot reach Redis at ${url}`);

  return {
    redis,
    prefix,
    async cleanup() {
      await deleteByPrefix(redis, prefix);
      await closeRedis(redis);
    },
  };
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  // SCAN patterns are not prefixed by ioredis; DEL arguments are.
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
  } while (cursor !== '0');
}
