/**
 * Test databases. The suite runs against SQLite by default and against
 * PostgreSQL when LEERID_TEST_DATABASE_URL points at one; each call hands out
 * an empty, fully migrated store.
 *
 * On PostgreSQL every test process works in a schema of its own (named after
 * its pid, set through the connection's search_path), so several runs can
 * share one database and child processes given TEST_DATABASE_URL land in the
 * same schema as their test.
 */
import { migrationSource } from '../../migrations/index.js';
import { createDb, migrateLatest, type Db } from '../../src/store/db.js';

const BASE_URL = process.env.LEERID_TEST_DATABASE_URL ?? 'sqlite::memory:';

export const TEST_SCHEMA = `leerid_test_${process.pid}`;

export const TEST_DATABASE_URL = BASE_URL.startsWith('postgres')
  ? withSearchPath(BASE_URL, TEST_SCHEMA)
  : BASE_URL;

export async function freshDb(url = TEST_DATABASE_URL): Promise<Db> {
  const db = createDb(url);
  const schema = searchPathOf(url);

  if (schema) {
    await db.raw('drop schema if exists ?? cascade', [schema]);
    await db.raw('create schema ??', [schema]);
  } else if (!url.includes(':memory:')) {
    await db.migrate.rollback({ migrationSource }, true);
  }

  await migrateLatest(db);
  return db;
}

/** A proxy on a local port in front of the test database. */
interface DbProxy {
  readonly port: number;
  close(): Promise<void>;
}

export interface ProxiedDb<P extends DbProxy> {
  /** Straight to the test database, for setting up data. */
  direct: Db;
  /** The same database through `proxy`, for the code under test. */
  db: Db;
  proxy: P;
  /** Closes both Db handles and the proxy. */
  close(): Promise<void>;
}

/**
 * A fresh test database (PostgreSQL only) reached through a proxy on another
 * local port, so a test can cut or silence the connection under the app.
 */
export async function freshDbBehind<P extends DbProxy>(
  startProxy: (host: string, port: number) => Promise<P>,
): Promise<ProxiedDb<P>> {
  const direct = await freshDb();
  const target = new URL(TEST_DATABASE_URL);
  const proxy = await startProxy(target.hostname, Number(target.port || 5432));
  const proxied = new URL(TEST_DATABASE_URL);
  proxied.host = `127.0.0.1:${proxy.port}`;
  const db = createDb(proxied.toString());

  return {
    direct,
    db,
    proxy,
    async close() {
      await db.destroy();
      await proxy.close();
      await direct.destroy();
    },
  };
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

function searchPathOf(url: string): string | undefined {
  if (!url.startsWith('postgres')) return undefined;
  const options = new URL(url).searchParams.get('options') ?? '';
  return /search_path=([A-Za-z0-9_]+)/.exec(options)?.[1];
}
