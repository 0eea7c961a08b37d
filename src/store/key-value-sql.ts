/**
 * The KeyValueStore on the SQL store (the embedded default without Redis).
 * Each operation is one statement, so concurrent nodes cannot interleave.
 * Expired rows read as absent and are reused in place; the cleanup job
 * removes the rest.
 *
 * Keys may carry request input, and PostgreSQL refuses a NUL character in
 * text: keys are stored with NUL and the escape character itself escaped,
 * which keeps distinct keys distinct, as they are on Redis.
 */
import { rowsOf, type Db } from './db.js';
import type { KeyValueStore } from './key-value.js';

const TABLE = 'key_values';

export function createSqlKeyValueStore(db: Db, now: () => number = Date.now): KeyValueStore {
  const store: KeyValueStore = {
    async get(key) {
      const row = await db(TABLE)
        .select('value', 'count')
        .where('key', key)
        .andWhere('expires_at', '>', now())
        .first();
      if (!row) return undefined;
      return row.value ?? String(row.count);
    },

    async getMany(keys) {
      if (keys.length === 0) return [];
      const rows = await db(TABLE)
        .select('key', 'value', 'count')
        .whereIn('key', keys)
        .andWhere('expires_at', '>', now());
      const values = new Map(rows.map((row) => [row.key, row.value ?? String(row.count)]));
      return keys.map((key) => values.get(key));
    },

    async set(key, value, ttlSeconds) {
      await db(TABLE)
        .insert({ key, value, count: 0, expires_at: now() + ttlSeconds * 1000 })
        .onConflict('key')
        .merge();
    },

    async setIfAbsent(key, value, ttlSeconds) {
      const at = now();
      // The conflict branch updates only an expired row; RETURNING yields a
      // row exactly when this statement inserted or took over the key.
      const result = await db.raw(
        `insert into ${TABLE} (key, value, count, expires_at) values (?, ?, 0, ?)
         on conflict (key) do update set value = excluded.value, count = 0,
           expires_at = excluded.expires_at
         where ${TABLE}.expires_at <= ?
         returning key`,
        [key, value, at + ttlSeconds * 1000, at],
      );
      return rowsOf(result).length === 1;
    },

    async increment(key, windowSeconds) {
      const at = now();
      const result = await db.raw(
        `insert into ${TABLE} (key, value, count, expires_at) values (?, null, 1, ?)
         on conflict (key) do update set
           count = case when ${TABLE}.expires_at <= ? then 1 else ${TABLE}.count + 1 end,
           value = null,
           expires_at = case when ${TABLE}.expires_at <= ? then excluded.expires_at
             else ${TABLE}.expires_at end
         returning count`,
        [key, at + windowSeconds * 1000, at, at],
      );
      return Number(rowsOf(result)[0]?.count);
    },

    async take(key) {
      // One statement: the row that this DELETE removed is the only winner.
      const result = await db.raw(
        `delete from ${TABLE} where key = ? and expires_at > ? returning value, count`,
        [key, now()],
      );
      const row = rowsOf(result)[0];
      if (!row) return undefined;
      return (row.value as string | null) ?? String(row.count);
    },

    async delete(key) {
      await db(TABLE).where('key', key).delete();
    },
  };
  return withStoredKeys(store);
}

/** The store with every key escaped on the way in. */
function withStoredKeys(store: KeyValueStore): KeyValueStore {
  return {
    get: (key) => store.get(storedKey(key)),
    getMany: (keys) => store.getMany(keys.map(storedKey)),
    set: (key, value, ttl) => store.set(storedKey(key), value, ttl),
    setIfAbsent: (key, value, ttl) => store.setIfAbsent(storedKey(key), value, ttl),
    increment: (key, window) => store.increment(storedKey(key), window),
    take: (key) => store.take(storedKey(key)),
    delete: (key) => store.delete(storedKey(key)),
  };
}

function storedKey(key: string): string {
  return key.replace(/[%\0]/g, (char) => (char === '%' ? '%25' : '%00'));
}

/** Deletes expired entries. */
export async function deleteExpiredKeyValues(db: Db, at = Date.now()): Promise<number> {
  return db(TABLE).where('expires_at', '<=', at).delete();
}
