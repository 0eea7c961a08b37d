/**
 * A Lua script sent once and then called by its SHA-1 (EVALSHA), falling
 * back to EVAL when Redis does not know it yet (after a restart, say).
 */
import { createHash } from 'node:crypto';
import type { Redis } from './redis.js';

export interface RedisScript {
  run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown>;
}

export function redisScript(source: string): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex');

  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
