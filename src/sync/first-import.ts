/**
 * The first import into a store that holds no pupils yet: the validated rows
 * go straight into pupils and enrolments, with no staging table and no diff
 * (every pupil and every row is new). The result is exactly what the staging
 * path writes for a first import: pupils with a random UUID, their
 * enrolments, an account per pupil with a current enrolment (usernames
 * numbered per base in Discimus id order, as in accounts.ts), the
 * username_counters, and the schools and locations (writeSchools in apply.ts).
 *
 * This module is the SQLite way, plus what both ways share: prepared
 * multi-row inserts into plain temporary tables, moved in key order at the
 * end (see insertLoad). PostgreSQL loads with COPY while a worker thread
 * parses (first-import-thread.ts). Both number the usernames as their pupils
 * pass (username-numbering.ts).
 *
 * Rows must arrive grouped by pupil with the first row of each flagged
 * (pupilFirst, pupilHasCurrent, runHash), as the triage emits them for a
 * grouped dump, and the pupils in Discimus id order (which the triage
 * proves; see AscendingIds). Run it inside the run's transaction and inside
 * withBulkLoad.
 */
import {
  ENROLMENT_COLUMNS,
  PUPIL_COLUMNS,
  RowSink,
  dumpHashOf,
  type SchoolsSeen,
} from './first-import-lines.js';
import type { SyncSession } from './session.js';
import { countOf } from './sql.js';
import { DumpOrderNumbering } from './username-numbering.js';
import type { StagedRow } from './validate-row.js';

export interface FirstImportCounts {
  pupils: number;
  enrolments: number;
  accountsCreated: number;
  institutionsNew: number;
  locationsNew: number;
}

export interface FirstImportWriter {
  push(row: StagedRow): void;
  /** Hands buffered rows on; a promise means "wait before pushing more". */
  flush(): void | Promise<void>;
  /** After the last row. */
  finish(): Promise<void>;
  /** Ends a COPY after a fault, so the connection can roll back. */
  abort(error: Error): Promise<void>;
  /** After finish(): accounts, username_counters, institutions, locations. */
  complete(): Promise<FirstImportCounts>;
}

export interface FirstImportOptions {
  /** created_at, updated_at and last_seen_at of everything written. */
  nowMs: number;
  /** 'YYYY-MM-DD'; "current" already came with the rows (pupilHasCurrent). */
  today: string;
}

/** The rows before they move to pupils, enrolments and accounts in key order. */
const PUPILS_FIRST = 'first_import_pupils';
const ENROLMENTS_FIRST = 'first_import_enrolments';
const ACCOUNTS_FIRST = 'first_import_accounts';

// ---------------------------------------------------------------------------
// SQLite: prepared multi-row inserts

/** Rows per INSERT: SQLite allows 32,766 parameters. */
const INSERT_ROWS = 500;

interface Batch {
  push(values: (string | number | null)[]): void;
  finish(): void;
}

function batchInsert(session: SyncSession, table: string, columns: string): Batch {
  const conn = session.sqlite();
  const width = columns.split(',').length;
  const one = `(${Array(width).fill('?').join(', ')})`;
  const many = conn.prepare(
    `INSERT INTO ${table} (${columns}) VALUES ${Array(INSERT_ROWS).fill(one).join(', ')}`,
  );
  const single = conn.prepare(`INSERT INTO ${table} (${columns}) VALUES ${one}`);
  let pending: (string | number | null)[] = [];
  let count = 0;

  return {
    push(values) {
      for (const value of values) pending.push(value);
      if (++count === INSERT_ROWS) {
        many.run(pending);
        pending = [];
        count = 0;
      }
    },
    finish() {
      for (let i = 0; i < pending.length; i += width) single.run(pending.slice(i, i + width));
      pending = [];
      count = 0;
    },
  };
}

/**
 * SQLite keeps its primary keys and unique constraints during the load (it
 * cannot drop them), and random UUIDs in dump order would land all over
 * those B-trees: hours at national scale with SQLite's small page cache. So
 * the rows are appended to plain temporary tables first and moved over in
 * key order, as the staging path does, but with one copy instead of three.
 */
export async function createFirstImport(
  session: SyncSession,
  options: FirstImportOptions,
): Promise<FirstImportWriter> {
  if (session.dialect === 'pg') {
    throw new Error('a first import into PostgreSQL runs through startFirstImportThread');
  }
  // Plain tables, no keys: rows are appended, then moved in key order.
  for (const [table, like] of [
    [PUPILS_FIRST, 'pupils'],
    [ENROLMENTS_FIRST, 'enrolments'],
  ]) {
    await session.run(`DROP TABLE IF EXISTS ${table}`);
    await session.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM ${like} WHERE 0`);
  }
  await session.run(`DROP TABLE IF EXISTS ${ACCOUNTS_FIRST}`);
  await session.run(`CREATE TEMP TABLE ${ACCOUNTS_FIRST} (pupil_id text, username text)`);

  const now = options.nowMs;
  const rows = new RowSink();
  const numbering = new DumpOrderNumbering(await storedCounters(session));
  const pupils = batchInsert(session, PUPILS_FIRST, PUPIL_COLUMNS);
  const enrolments = batchInsert(session, ENROLMENTS_FIRST, ENROLMENT_COLUMNS);
  const accounts = batchInsert(session, ACCOUNTS_FIRST, 'pupil_id, username');
  let accountsMade = 0;

  return {
    push(row) {
      rows.take(row);
      const pupilId = rows.pupilId;
      if (row.pupilFirst === 1) {
        pupils.push([
          pupilId,
          row.discimusId,
          row.insz,
          row.givenName,
          row.familyName,
          row.gender,
          row.birthDate,
          row.pupilHash,
          dumpHashOf(row),
          now,
          now,
          now,
        ]);
        if (row.pupilHasCurrent === 1) {
          accounts.push([pupilId, numbering.next(row.discimusId, row.usernameBase)]);
          accountsMade++;
        }
      }
      enrolments.push([
        pupilId,
        row.institutionNumber,
        row.locationNumber,
        row.stamnummer,
        row.kindOfEducation,
        row.administrativeGroup,
        row.enrolmentDate,
        row.startDate,
        row.endDate,
        row.enrolmentHash,
        now,
      ]);
    },
    flush() {},
    async finish() {
      pupils.finish();
      enrolments.finish();
      accounts.finish();
      await session.run(
        `INSERT INTO pupils (${PUPIL_COLUMNS})
         SELECT ${PUPIL_COLUMNS} FROM ${PUPILS_FIRST} ORDER BY id`,
      );
      await session.run(
        `INSERT INTO enrolments (${ENROLMENT_COLUMNS})
         SELECT ${ENROLMENT_COLUMNS} FROM ${ENROLMENTS_FIRST}
          ORDER BY pupil_id, institution_number, location_number, start_date`,
      );
      await session.run(`DROP TABLE ${PUPILS_FIRST}`);
      await session.run(`DROP TABLE ${ENROLMENTS_FIRST}`);
    },
    async abort() {},
    async complete() {
      await session.run(
        `INSERT INTO accounts (pupil_id, username, password_hash, managed_by, status,
                               created_at, updated_at)
         SELECT pupil_id, username, NULL, 'school', 'active', ?, ?
           FROM ${ACCOUNTS_FIRST} ORDER BY pupil_id`,
        [now, now],
      );
      await session.run(`DROP TABLE ${ACCOUNTS_FIRST}`);
      await session.run('DELETE FROM username_counters');
      const counters = batchInsert(session, 'username_counters', 'base, taken');
      for (const [base, taken] of numbering.counters()) counters.push([base, taken]);
      counters.finish();

      const { institutionsNew, locationsNew } = await writeSchools(session, rows.schools);
      return {
        pupils: rows.pupils,
        enrolments: rows.enrolments,
        accountsCreated: accountsMade,
        institutionsNew,
        locationsNew,
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Shared by both ways

/** username_counters as stored: base -> numbers given. */
export async function storedCounters(session: SyncSession): Promise<Map<string, number>> {
  const rows = await session.all<{ base: string; taken: number | string }>(
    'SELECT base, taken FROM username_counters',
  );
  return new Map(rows.map((row) => [row.base, Number(row.taken)]));
}

/** Rows per INSERT ... VALUES for the schools. */
const SCHOOL_ROWS = 500;

/** As writeSchools (apply.ts): new schools added, names follow the dump, locations added. */
export async function writeSchools(session: SyncSession, schools: SchoolsSeen) {
  const institutionsBefore = await countOf(session, 'SELECT count(*) AS n FROM institutions');

  const institutions = [...schools.names];
  for (let i = 0; i < institutions.length; i += SCHOOL_ROWS) {
    const chunk = institutions.slice(i, i + SCHOOL_ROWS);
    await session.run(
      `INSERT INTO institutions (institution_number, name)
       VALUES ${chunk.map(() => '(?, ?)').join(', ')}
       ON CONFLICT (institution_number) DO UPDATE SET name = excluded.name
        WHERE excluded.name IS NOT NULL
          AND (institutions.name IS NULL OR institutions.name <> excluded.name)`,
      chunk.flat(),
    );
  }

  const locations = [...schools.locations].flatMap(([institution, set]) =>
    [...set].map((location) => [institution, location]),
  );
  let locationsNew = 0;
  for (let i = 0; i < locations.length; i += SCHOOL_ROWS) {
    const chunk = locations.slice(i, i + SCHOOL_ROWS);
    locationsNew += await session.run(
      `INSERT INTO locations (institution_number, location_number)
       VALUES ${chunk.map(() => '(?, ?)').join(', ')}
       ON CONFLICT DO NOTHING`,
      chunk.flat(),
    );
  }

  const institutionsAfter = await countOf(session, 'SELECT count(*) AS n FROM institutions');
  return { institutionsNew: institutionsAfter - institutionsBefore, locationsNew };
}
