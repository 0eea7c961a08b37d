/**
 * Reads what upstream logins left in the shared key-value store, on either
 * backend of the run: the `key_values` table, or Redis when the test server
 * uses it. Values are the stored JSON records.
 */
import type { Db } from '../../src/store/db.js';
import type { TestServer } from './server.js';

export async function storedUpstreamState(
  server: TestServer,
  db: Db,
  kind: 'session' | 'outcome',
): Promise<Record<string, unknown>[]> {
  const prefix = `upstream:${kind}:`;
  const { redis } = server.app;

  if (!redis) {
    const rows = await db('key_values').where('key', 'like', `${prefix}%`);
    return rows.map((row: { value: string }) => JSON.parse(row.value));
  }

  // SCAN patterns and answers carry the client's key prefix; GET adds it itself.
  const keyPrefix = server.app.services.config.redisKeyPrefix;
  const values: Record<string, unknown>[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}kv:${prefix}*`);
    cursor = next;
    for (const key of keys) {
      const value = await redis.get(key.slice(keyPrefix.length));
      if (value) values.push(JSON.parse(value));
    }
  } while (cursor !== '0');
  return values;
}
