/**
 * The SQLite side of a first import: the worker's COPY text split back into
 * values and inserted with prepared multi-row statements.
 *
 * SQLite keeps its primary keys and unique constraints during the load (it
 * cannot drop them), and random UUIDs in dump order would land all over
 * those B-trees: hours at national scale with SQLite's small page cache. So
 * the rows are appended to plain temporary tables first and moved over in
 * key order at the end, as the staging path does, but with one copy instead
 * of three.
 */
import { COPY_COLUMNS, type CopyTable } from './first-import-lines.js';
import type { ChunkLoader } from './first-import.js';
import type { SyncSession } from './session.js';

/** Rows per INSERT: SQLite allows 32,766 parameters. */
const INSERT_ROWS = 500;

/** Where each table's rows wait, and the order they move over in. */
const WAITING: Record<CopyTable, { table: string; order: string }> = {
  pupils: { table: 'first_import_pupils', order: 'id' },
  enrolments: {
    table: 'first_import_enrolments',
    order: 'pupil_id, institution_number, location_number, start_date',
  },
  accounts: { table: 'first_import_accounts', order: 'pupil_id' },
};

type Value = string | null;

export async function insertLoader(session: SyncSession): Promise<ChunkLoader> {
  const inserts = {} as Record<CopyTable, BatchInsert>;
  for (const [name, { table }] of Object.entries(WAITING) as [CopyTable, { table: string }][]) {
    await session.run(`DROP TABLE IF EXISTS ${table}`);
    await session.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM ${name} WHERE 0`);
    inserts[name] = new BatchInsert(session, table, COPY_COLUMNS[name]);
  }

  return {
    load(table, bytes) {
      const insert = inserts[table];
      forEachRow(bytes, (values) => insert.push(values));
    },
    waitBelow: () => {},
    settle: async () => {},
    async complete(counters) {
      for (const [name, { table, order }] of Object.entries(WAITING) as [
        CopyTable,
        (typeof WAITING)[CopyTable],
      ][]) {
        inserts[name].finish();
        const columns = COPY_COLUMNS[name];
        await session.run(
          `INSERT INTO ${name} (${columns}) SELECT ${columns} FROM ${table} ORDER BY ${order}`,
        );
        await session.run(`DROP TABLE ${table}`);
      }

      await session.run('DELETE FROM username_counters');
      const rows = new BatchInsert(session, 'username_counters', 'base, taken');
      for (const [base, taken] of counters) rows.push([base, String(taken)]);
      rows.finish();
    },
  };
}

/** Lines of COPY text as values: \N is null, backslash escapes undone. */
function forEachRow(bytes: Buffer, each: (values: Value[]) => void): void {
  const text = bytes.toString('utf8');
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const fields: Value[] = text.slice(start, end).split('\t');
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as string;
      if (field === '\\N') fields[i] = null;
      else if (field.includes('\\')) fields[i] = unescape(field);
    }
    each(fields);
    start = end + 1;
  }
}

const ESCAPED: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

function unescape(field: string): string {
  return field.replace(/\\(.)/g, (_, char: string) => ESCAPED[char] ?? char);
}

/** Rows gathered into one prepared INSERT of INSERT_ROWS rows. */
class BatchInsert {
  private readonly many;
  private readonly single;
  private readonly width: number;
  private pending: Value[] = [];
  private count = 0;

  constructor(session: SyncSession, table: string, columns: string) {
    const conn = session.sqlite();
    this.width = columns.split(',').length;
    const one = `(${Array(this.width).fill('?').join(', ')})`;
    this.many = conn.prepare(
      `INSERT INTO ${table} (${columns}) VALUES ${Array(INSERT_ROWS).fill(one).join(', ')}`,
    );
    this.single = conn.prepare(`INSERT INTO ${table} (${columns}) VALUES ${one}`);
  }

  push(values: Value[]): void {
    for (const value of values) this.pending.push(value);
    if (++this.count === INSERT_ROWS) {
      this.many.run(this.pending);
      this.pending = [];
      this.count = 0;
    }
  }

  finish(): void {
    for (let i = 0; i < this.pending.length; i += this.width) {
      this.single.run(this.pending.slice(i, i + this.width));
    }
    this.pending = [];
    this.count = 0;
  }
}
