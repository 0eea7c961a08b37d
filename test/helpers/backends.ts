/**
 * The storage backends a contract suite runs against: the SQL store of this
 * run (SQLite or PostgreSQL) and, when configured, Redis.
 */
import type { Db } from '../../src/store/db.js';
import type { Redis } from '../../src/store/redis.js';
import { freshDb, TEST_DATABASE_URL } from './db.js';
import { redisRequired, testRedis, TEST_REDIS_URL } from './redis.js';

export interface Backend {
  name: string;
  /** Absent when the backend is not configured in this run. */
  available: boolean;
  open(): Promise<{ db: Db; redis?: Redis; close(): Promise<void> }>;
}

export function contractBackends(): Backend[] {
  const sqlName = TEST_DATABASE_URL.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
  if (redisRequired() && !TEST_REDIS_URL) {
    throw new Error('CI runs the PostgreSQL phase with Redis: set LEERID_TEST_REDIS_URL');
  }

  return [
    {
      name: sqlName,
      available: true,
      async open() {
        const db = await freshDb();
        return { db, close: () => db.destroy() };
      },
    },
    {
      name: 'Redis',
      available: Boolean(TEST_REDIS_URL),
      async open() {
        const db = await freshDb();
        const { redis, cleanup } = await testRedis();
        return {
          db,
          redis,
          async close() {
            await cleanup();
            await db.destroy();
          },
        };
      },
    },
  ];
}
