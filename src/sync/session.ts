/**
 * One database connection held for a whole sync run, with its transaction.
 * The sync talks SQL to it directly (not through knex) so it can COPY into
 * PostgreSQL and run prepared statements on SQLite's own connection.
 * SQL is written with `?` placeholders; PostgreSQL gets them as $1, $2, ...
 */
import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { dialectOf, type Db, type Dialect } from '../store/db.js';

export interface SyncSession {
  dialect: Dialect;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  release(): Promise<void>;
  /** PostgreSQL only: a COPY ... FROM STDIN stream. */
  copyIn(sql: string): Writable;
  /** PostgreSQL only: a COPY ... TO STDOUT stream. */
  copyOut(sql: string): Readable;
  /** SQLite only: the raw connection for prepared statements. */
  sqlite(): BetterSqlite3.Database;
}

export async function openSession(db: Db): Promise<SyncSession> {
  const connection = await db.client.acquireConnection();
  const release = async () => db.client.releaseConnection(connection);
  const session =
    dialectOf(db) === 'pg'
      ? pgSession(connection as pg.Client, release)
      : sqliteSession(connection as BetterSqlite3.Database, release);
  return process.env.LEERID_SYNC_TRACE ? traced(session) : session;
}

/** LEERID_SYNC_TRACE=1: each statement's duration on stderr, for tuning. */
function traced(session: SyncSession): SyncSession {
  const time =
    <T>(sql: string, work: () => Promise<T>) =>
    async () => {
      const started = performance.now();
      const result = await work();
      const ms = (performance.now() - started).toFixed(0).padStart(6);
      process.stderr.write(`${ms} ms  ${sql.replace(/\s+/g, ' ').slice(0, 90)}\n`);
      return result;
    };
  return {
    ...session,
    run: (sql, params) => time(sql, () => session.run(sql, params))(),
    all: <T>(sql: string, params?: unknown[]) => time(sql, () => session.all<T>(sql, params))(),
  };
}

function pgSession(client: pg.Client, release: () => Promise<void>): SyncSession {
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };

  return {
    dialect: 'pg',
    run: async (sql, params = []) => (await client.query(numbered(sql), params)).rowCount ?? 0,
    all: async <T>(sql: string, params: unknown[] = []) =>
      (await client.query(numbered(sql), params)).rows as T[],
    begin: async () => void (await client.query('BEGIN')),
    commit: async () => void (await client.query('COMMIT')),
    rollback: async () => void (await client.query('ROLLBACK')),
    release,
    copyIn: (sql) => client.query(copyFrom(sql)),
    copyOut: (sql) => client.query(copyTo(sql)),
    sqlite: () => {
      throw new Error('not a SQLite session');
    },
  };
}

function sqliteSession(conn: BetterSqlite3.Database, release: () => Promise<void>): SyncSession {
  // New pupils get their LeerID UUID inside the set-based insert.
  conn.function('leerid_uuid', () => randomUUID());
  const params = (values: unknown[]) => values.map((v) => (typeof v === 'boolean' ? +v : v));

  return {
    dialect: 'sqlite',
    run: async (sql, values = []) => conn.prepare(sql).run(...params(values)).changes,
    all: async <T>(sql: string, values: unknown[] = []) =>
      conn.prepare(sql).all(...params(values)) as T[],
    begin: async () => void conn.exec('BEGIN IMMEDIATE'),
    commit: async () => void conn.exec('COMMIT'),
    rollback: async () => {
      if (conn.inTransaction) conn.exec('ROLLBACK');
    },
    release,
    copyIn: () => {
      throw new Error('COPY is PostgreSQL only');
    },
    copyOut: () => {
      throw new Error('COPY is PostgreSQL only');
    },
    sqlite: () => conn,
  };
}
