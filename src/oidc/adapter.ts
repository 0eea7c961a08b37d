/**
 * Which storage oidc-provider uses follows from the configuration: Redis for
 * sessions, interactions, codes and tokens when a Redis URL is configured,
 * the SQL store (the embedded default) otherwise.
 */
import type { Adapter } from 'oidc-provider';
import type { Db } from '../store/db.js';
import type { Redis } from '../store/redis.js';
import { createRedisAdapterFactory } from './redis-adapter.js';
import { createSqlAdapterFactory } from './sql-adapter.js';

export type AdapterFactory = (model: string) => Adapter;

export function createAdapterFactory(backend: {
  db: Db;
  redis?: Redis | undefined;
}): AdapterFactory {
  return backend.redis
    ? createRedisAdapterFactory(backend.redis)
    : createSqlAdapterFactory(backend.db);
}
