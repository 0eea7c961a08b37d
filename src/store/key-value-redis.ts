/** The KeyValueStore on Redis: native expiry, atomic SET NX and INCR. */
import type { KeyValueStore } from './key-value.js';
import type { Redis } from './redis.js';
import { redisScript } from './redis-script.js';

const NAMESPACE = 'kv:';

// INCR and the window's expiry in one step, so no counter is left without one.
const INCREMENT = redisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`);

export function createRedisKeyValueStore(redis: Redis): KeyValueStore {
  const key = (name: string) => `${NAMESPACE}${name}`;

  return {
    async get(name) {
      return (await redis.get(key(name))) ?? undefined;
    },

    async getMany(names) {
      if (names.length === 0) return [];
      const values = await redis.mget(names.map(key));
      return values.map((value) => value ?? undefined);
    },

    async set(name, value, ttlSeconds) {
      await redis.set(key(name), value, 'EX', wholeSeconds(ttlSeconds));
    },

    async setIfAbsent(name, value, ttlSeconds) {
      const reply = await redis.set(key(name), value, 'EX', wholeSeconds(ttlSeconds), 'NX');
      return reply === 'OK';
    },

    async increment(name, windowSeconds) {
      return Number(await INCREMENT.run(redis, [key(name)], [wholeSeconds(windowSeconds)]));
    },

    async take(name) {
      return (await redis.getdel(key(name))) ?? undefined;
    },

    async delete(name) {
      await redis.del(key(name));
    },
  };
}

function wholeSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}
