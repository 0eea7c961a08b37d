/**
 * Opens the SQL store: PostgreSQL for production, SQLite as the embedded
 * default. Both hold dates as 'YYYY-MM-DD' strings and instants as epoch
 * milliseconds, so the code above never sees a driver-specific type.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from '../../migrations/index.js';

export type Db = Knex;
export type Dialect = 'pg' | 'sqlite';

const PG_INT8 = 20;
const PG_DATE = 1082;
pg.types.setTypeParser(PG_INT8, (value) => Number(value));
pg.types.setTypeParser(PG_DATE, (value) => value);

export function dialectOf(db: Db): Dialect {
  return db.client.config.client === 'pg' ? 'pg' : 'sqlite';
}

/** knex.raw answers `{ rows }` on PostgreSQL and a plain array on SQLite. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return (result as { rows: Record<string, unknown>[] }).rows;
}

export function createDb(databaseUrl: string, options: { pool?: number } = {}): Db {
  if (databaseUrl.startsWith('postgres:') || databaseUrl.startsWith('postgresql:')) {
    return knex({
      client: 'pg',
      connection: { connectionString: databaseUrl, connectionTimeoutMillis: 5000 },
      pool: { min: 0, max: options.pool ?? 10 },
      acquireConnectionTimeout: 5000,
    });
  }

  const filename = databaseUrl.replace(/^sqlite:/, '');
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });

  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection: SQLite serialises writers anyway, and :memory: would
    // otherwise give each pooled connection a database of its own.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { pragma(sql: string): unknown }, done: () => void) {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        done();
      },
    },
  });
}

/**
 * Brings the schema up to date. On PostgreSQL under an advisory lock: nodes
 * (or a node and a sync) starting together against a new database would
 * otherwise race to create knex's own bookkeeping tables, and one would fail.
 */
export async function migrateLatest(db: Db): Promise<void> {
  if (dialectOf(db) !== 'pg') {
    await db.migrate.latest({ migrationSource });
    return;
  }
  const client = (await db.client.acquireConnection()) as pg.Client;
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await db.migrate.latest({ migrationSource });
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await db.client.releaseConnection(client);
  }
}

const MIGRATION_LOCK = "hashtext('leerid:migrate')";
