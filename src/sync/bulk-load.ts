/**
 * The first import into empty tables: building an index once over sorted
 * data is several times faster than growing it row by row, so secondary
 * indexes, unique constraints and foreign keys of the mirrored tables are
 * dropped inside the run's transaction and rebuilt before it commits.
 * Primary keys stay unless asked for (other tables refer to pupils.id). All
 * of this is transactional DDL, so a failed or killed run leaves the schema
 * intact.
 */
import type { SyncSession } from './session.js';

const TABLES = ['pupils', 'enrolments', 'accounts'];
/** Primary keys on random UUIDs; enrolments.id is a sequence and grows at its end. */
const RANDOM_KEYS = ['pupils', 'accounts'];

interface Rebuild {
  drop: string;
  create: string;
}

export interface BulkLoadOptions {
  /**
   * PostgreSQL: drop the primary keys on random UUIDs too (pupils, accounts;
   * and every foreign key that uses them), for a load that writes in no key
   * order (createFirstImport: UUIDs in dump order). SQLite cannot drop one.
   */
  primaryKeys?: boolean;
}

/** Runs `work` with the indexes dropped when the store holds no pupils yet. */
export async function withBulkLoad<T>(
  session: SyncSession,
  work: () => Promise<T>,
  options: BulkLoadOptions = {},
): Promise<T> {
  const [row] = await session.all('SELECT 1 FROM pupils LIMIT 1');
  if (row) return work();

  const rebuilds =
    session.dialect === 'pg'
      ? await pgRebuilds(session, Boolean(options.primaryKeys))
      : await sqliteRebuilds(session);
  for (const { drop } of rebuilds) await session.run(drop);

  const result = await work();

  // Recreate in reverse: unique constraints before the foreign keys that use them.
  for (const { create } of [...rebuilds].reverse()) await session.run(create);
  // No statistics yet, and autovacuum may be off: the next night would plan blind.
  if (session.dialect === 'pg') {
    await session.run(`ANALYZE ${TABLES.join(', ')}`);
  } else {
    // A sample is enough for the planner; a full ANALYZE reads every index whole.
    await session.run('PRAGMA analysis_limit = 1000');
    for (const table of TABLES) await session.run(`ANALYZE ${table}`);
    await session.run('PRAGMA analysis_limit = 0');
  }
  return result;
}

async function pgRebuilds(session: SyncSession, primaryKeys: boolean): Promise<Rebuild[]> {
  const tables = TABLES.map((t) => `'${t}'::regclass`).join(', ');
  // With the primary keys go the foreign keys of other tables that use them.
  const keyed = RANDOM_KEYS.map((t) => `'${t}'::regclass`).join(', ');
  const wanted = primaryKeys
    ? `(conrelid IN (${tables}) AND contype IN ('f', 'u'))
       OR (conrelid IN (${keyed}) AND contype = 'p')
       OR (confrelid IN (${keyed}) AND contype = 'f')`
    : `conrelid IN (${tables}) AND contype IN ('f', 'u')`;
  const constraints = await session.all<{ table: string; name: string; def: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name,
            pg_get_constraintdef(oid) AS def
       FROM pg_constraint
      WHERE ${wanted}
      ORDER BY contype, conname`,
  );
  const indexes = await session.all<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
      WHERE i.indrelid IN (${tables}) AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
  );

  // Foreign keys ('f' sorts before 'p' and 'u') are dropped first and rebuilt last.
  return [
    ...constraints.map((c) => ({
      drop: `ALTER TABLE ${c.table} DROP CONSTRAINT ${quote(c.name)}`,
      create: `ALTER TABLE ${c.table} ADD CONSTRAINT ${quote(c.name)} ${c.def}`,
    })),
    ...indexes.map((i) => ({ drop: `DROP INDEX ${i.name}`, create: i.def })),
  ];
}

async function sqliteRebuilds(session: SyncSession): Promise<Rebuild[]> {
  const tables = TABLES.map((t) => `'${t}'`).join(', ');
  const indexes = await session.all<{ name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_master
      WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables})`,
  );
  return indexes.map((i) => ({ drop: `DROP INDEX ${quote(i.name)}`, create: i.sql }));
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
