/**
 * Test databases. The suite runs against SQLite by default and against
 * PostgreSQL when LEERID_TEST_DATABASE_URL points at one; each call hands out
 * an empty, fully migrated store.
 */
import { migrationSource } from '../../migrations/index.js';
import { createDb, migrateLatest, type Db } from '../../src/store/db.js';

export const TEST_DATABASE_URL = process.env.LEERID_TEST_DATABASE_URL ?? 'sqlite::memory:';

export async function freshDb(url = TEST_DATABASE_URL): Promise<Db> {
  const db = createDb(url);
  if (!url.includes(':memory:')) {
    await db.migrate.rollback({ migrationSource }, true);
  }
  await migrateLatest(db);
  return db;
}
