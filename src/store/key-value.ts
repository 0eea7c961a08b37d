/**
 * A small shared key-value facility for replay caches and rate-limit
 * counters. Every node sees the same entries: on Redis when one is
 * configured, otherwise in the SQL store. Entries always expire.
 *
 * Use it like this (keys are free text; prefix them with your area):
 *
 *   const fresh = await kv.setIfAbsent(`saml:assertion:${id}`, '1', 600);
 *   if (!fresh) reject('replayed assertion');
 *
 *   const tries = await kv.increment(`login:${ip}`, 60);
 *   if (tries > 20) answer429();
 */
import type { Db } from './db.js';
import { createRedisKeyValueStore } from './key-value-redis.js';
import { createSqlKeyValueStore } from './key-value-sql.js';
import type { Redis } from './redis.js';

export interface KeyValueStore {
  /** The value, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;

  /** The values of several keys in one round trip, in the order asked. */
  getMany(keys: string[]): Promise<(string | undefined)[]>;

  /** Sets the value; it disappears after `ttlSeconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;

  /**
   * Sets the value only when the key is absent (or expired); true when this
   * call set it. Atomic across nodes: the building block of a replay cache.
   */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;

  /**
   * Adds one to a counter and returns the new count. The first increment
   * starts a window of `windowSeconds`; when it ends the counter starts at 1
   * again (a fixed-window rate limit).
   */
  increment(key: string, windowSeconds: number): Promise<number>;

  /**
   * Returns the value and removes the key in one step: of two concurrent
   * calls only one gets the value (single-use tokens, request state).
   */
  take(key: string): Promise<string | undefined>;

  /** Removes the key (a no-op when absent). */
  delete(key: string): Promise<void>;
}

/** Redis when the deployment has one, the SQL store otherwise. */
export function createKeyValueStore(backend: { redis?: Redis | undefined; db: Db }): KeyValueStore {
  return backend.redis
    ? createRedisKeyValueStore(backend.redis)
    : createSqlKeyValueStore(backend.db);
}
