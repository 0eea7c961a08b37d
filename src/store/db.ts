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
import { LeerIdError } from '../errors/index.js';

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
 * The pool a serving node's requests use: the same database as `db`, with
 * every wait bounded by `timeoutMs` (dependencyTimeoutMs). Getting a
 * connection and each statement may take that long, so a request meeting a
 * silent database fails within about twice it with store.unavailable, a 503.
 * `createApp` opens it after the migrations; `leerid sync`, the migrations and
 * the other commands keep their own pool without these bounds, as they run
 * long statements. SQLite is local and has nothing to wait for: `db` itself.
 */
export function createServingDb(db: Db, timeoutMs: number): Db {
  if (dialectOf(db) !== 'pg') return db;
  const base = db.client.config as Knex.Config;

  // A statement left unanswered says the path to the database may be dead:
  // every connection made before it is replaced when next taken from the
  // pool (never while in use), instead of failing one request after another.
  let generation = 0;
  const generationOf = new WeakMap<pg.Client, number>();

  return knex({
    ...base,
    connection: {
      ...(base.connection as Knex.PgConnectionConfig),
      // Lets the kernel find an idle connection whose peer is gone.
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      // The server's side of a connection gone silent mid-transaction: it
      // would hold its locks (the privacy log's chain lock among them) until
      // the server noticed, stalling every node. A serving transaction sends
      // its statements back to back, so a pause this long means it is dead.
      idle_in_transaction_session_timeout: Math.max(1000, 2 * timeoutMs),
    } as Knex.PgConnectionConfig,
    acquireConnectionTimeout: timeoutMs,
    // Driver warnings go where those of `db` go (serve makes them log lines).
    log: {
      warn: (message: unknown) => (db.client as Knex.Client).logger.warn?.(message),
      error: (message: unknown) => (db.client as Knex.Client).logger.error?.(message),
    },
    pool: {
      ...base.pool,
      afterCreate(connection: pg.Client, done: (error: null, connection: pg.Client) => void) {
        generationOf.set(connection, generation);
        boundStatements(connection, timeoutMs, () => (generation += 1));
        done(null, connection);
      },
      validate: (connection: pg.Client) => generationOf.get(connection) === generation,
    },
  });
}

const KEEPALIVE_DELAY_MS = 10_000;

type Query = (...args: unknown[]) => unknown;
type QueryCallback = (error: Error | null, result?: unknown) => void;

const ROLLED_BACK = { command: 'ROLLBACK', rowCount: null, rows: [], fields: [] };

function isRollback(statement: unknown): boolean {
  const text = typeof statement === 'string' ? statement : (statement as { text?: unknown })?.text;
  return typeof text === 'string' && /^\s*rollback\b/i.test(text);
}

/**
 * A statement without an answer within `timeoutMs` fails with
 * store.unavailable and its connection is ended. pg's own query_timeout
 * would fail the statement but keep the connection waiting for the answer,
 * and whoever took it next from the pool would wait behind it.
 */
function boundStatements(connection: pg.Client, timeoutMs: number, onSilence: () => void) {
  const query = connection.query.bind(connection) as Query;

  let closed = false;
  connection.once('end', () => (closed = true));

  const bounded: Query = (...args) => {
    const callback = args.at(-1);
    // knex always passes a callback; nothing else runs on a serving connection.
    if (typeof callback !== 'function') return query(...args);
    const rollback = isRollback(args[0]);

    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      closed = true;
      onSilence();
      // With a statement under way, end() destroys the socket at once.
      connection.end().catch(() => undefined);
      if (rollback) return (callback as QueryCallback)(null, ROLLED_BACK);
      (callback as QueryCallback)(
        new LeerIdError('store.unavailable', 'The database did not answer in time.', {
          status: 503,
          detail: `no answer to a statement within ${timeoutMs} ms (dependencyTimeoutMs)`,
        }),
      );
    }, timeoutMs);

    const settle: QueryCallback = (error, result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // After a statement timed out inside a transaction, knex rolls back on
      // the connection just closed. The server drops the transaction with the
      // connection, so that succeeds; failing it would replace the outage
      // error the caller should see with "Client was closed".
      if (error && rollback && closed) {
        return (callback as QueryCallback)(null, ROLLED_BACK);
      }
      (callback as QueryCallback)(error, result);
    };
    return query(...args.slice(0, -1), settle);
  };
  connection.query = bounded as typeof connection.query;
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
