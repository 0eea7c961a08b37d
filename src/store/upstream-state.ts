/**
 * Short-lived state of upstream logins behind a small interface, so that a
 * Redis implementation can replace the SQL one when Redis is configured.
 * Every entry expires; an expired entry reads as absent.
 */
import type { Db } from './db.js';

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

const TABLE = 'upstream_state';

export function createSqlUpstreamStateStore(db: Db, now: () => number): UpstreamStateStore {
  return {
    async put(key, value, ttlSeconds) {
      await db(TABLE)
        .insert({ key, value, expires_at: now() + ttlSeconds * 1000 })
        .onConflict('key')
        .merge();
    },

    async get(key) {
      const row = await db(TABLE)
        .select('value')
        .where('key', key)
        .andWhere('expires_at', '>', now())
        .first();
      return row?.value as string | undefined;
    },

    async take(key) {
      const value = await this.get(key);
      if (value === undefined) return undefined;

      // Only the call whose delete removed the row may use the value.
      const removed = await db(TABLE).where('key', key).delete();
      return removed === 1 ? value : undefined;
    },

    async remember(key, ttlSeconds) {
      const at = now();
      // Takes over an expired row in place; RETURNING yields a row exactly
      // when this statement inserted the key or took it over.
      const result = await db.raw(
        `insert into ${TABLE} (key, value, expires_at) values (?, '1', ?)
         on conflict (key) do update set value = excluded.value,
           expires_at = excluded.expires_at
         where ${TABLE}.expires_at <= ?
         returning key`,
        [key, at + ttlSeconds * 1000, at],
      );
      return rowsOf(result).length === 1;
    },

    async delete(key) {
      await db(TABLE).where('key', key).delete();
    },
  };
}

/** Deletes expired entries; callers run it now and then. */
export async function deleteExpiredUpstreamState(db: Db, at: number): Promise<number> {
  return db(TABLE).where('expires_at', '<=', at).delete();
}

/** knex.raw answers `{ rows }` on PostgreSQL and a plain array on SQLite. */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  return (result as { rows: unknown[] }).rows;
}
