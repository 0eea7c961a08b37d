/**
 * Room on every page of pupils and enrolments for a changed row's new
 * version: a nightly update then stays on its page and, when no indexed
 * column changes, touches no index (a HOT update in PostgreSQL terms).
 * SQLite has no such setting.
 */
import type { Knex } from 'knex';

const TABLES = ['pupils', 'enrolments'];

export async function up(db: Knex): Promise<void> {
  if (db.client.config.client !== 'pg') return;
  for (const table of TABLES) await db.raw('ALTER TABLE ?? SET (fillfactor = 85)', [table]);
}

export async function down(db: Knex): Promise<void> {
  if (db.client.config.client !== 'pg') return;
  for (const table of TABLES) await db.raw('ALTER TABLE ?? RESET (fillfactor)', [table]);
}
