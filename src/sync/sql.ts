/**
 * SQL fragments shared by the sync steps. The steps are written once for
 * PostgreSQL and SQLite; only these few pieces differ.
 */
import type { SyncSession } from './session.js';

/**
 * A current enrolment in SQL, as in isCurrentOn(): started on or before
 * today, not ended before it. Takes `today` twice as parameters.
 */
export function currentSql(alias: string): string {
  return `(${alias}.start_date <= ? AND (${alias}.end_date IS NULL OR ${alias}.end_date >= ?))`;
}

export function uuidSql(session: SyncSession): string {
  return session.dialect === 'pg' ? 'gen_random_uuid()' : 'leerid_uuid()';
}

/** Byte-order comparison for sorting codes and names: no locale rules needed. */
export function collateC(session: SyncSession): string {
  return session.dialect === 'pg' ? ' COLLATE "C"' : '';
}

/** Creates (or re-creates) a temporary table from a query. */
export async function createTempTable(
  session: SyncSession,
  name: string,
  query: string,
  params: unknown[] = [],
): Promise<void> {
  await session.run(`DROP TABLE IF EXISTS ${name}`);
  await session.run(`CREATE TEMPORARY TABLE ${name} AS ${query}`, params);
  // Autovacuum never analyses temporary tables; the planner needs the counts.
  if (session.dialect === 'pg') await session.run(`ANALYZE ${name}`);
}

/**
 * SQLite joins by index lookups only, so its temporary tables get indexes;
 * PostgreSQL hash-joins them faster without.
 */
export async function indexForSqlite(
  session: SyncSession,
  table: string,
  columns: string[],
): Promise<void> {
  if (session.dialect !== 'sqlite') return;
  await session.run(
    `CREATE INDEX ${table}_${columns.join('_')} ON ${table} (${columns.join(', ')})`,
  );
}

export async function countOf(session: SyncSession, sql: string, params: unknown[] = []) {
  const [row] = await session.all<{ n: number | string }>(sql, params);
  return Number(row?.n ?? 0);
}
