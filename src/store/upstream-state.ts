/**
 * Short-lived state of upstream logins (request ids, replay memory, parked
 * outcomes, sessions) behind a small interface. Every entry expires; an
 * expired entry reads as absent.
 */
import type { KeyValueStore } from './key-value.js';

export interface UpstreamStateStore {
  /** Keeps `value` under `key` for `ttlSeconds` (replacing an older value). */
  put(key: string, value: string, ttlSeconds: number): Promise<void>;

  /** The value, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;

  /** Returns the value and removes it; of two concurrent calls only one gets it. */
  take(key: string): Promise<string | undefined>;

  /** True when this call recorded `key`; false when it is already recorded. */
  remember(key: string, ttlSeconds: number): Promise<boolean>;

  delete(key: string): Promise<void>;
}

/**
 * The upstream state lives in the shared key-value store: on Redis when the
 * deployment has one, in the SQL store otherwise, under the prefix `upstream:`.
 */
export function createUpstreamStateStore(kv: KeyValueStore): UpstreamStateStore {
  const prefixed = (key: string) => `upstream:${key}`;
  return {
    put: (key, value, ttlSeconds) => kv.set(prefixed(key), value, ttlSeconds),
    get: (key) => kv.get(prefixed(key)),
    take: (key) => kv.take(prefixed(key)),
    remember: (key, ttlSeconds) => kv.setIfAbsent(prefixed(key), '1', ttlSeconds),
    delete: (key) => kv.delete(prefixed(key)),
  };
}
