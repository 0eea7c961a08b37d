/**
 * The first import into a store that holds no pupils yet: the validated rows
 * go straight into pupils, enrolments and accounts, with no staging table
 * and no diff (every pupil and every row is new). The result is exactly what
 * the staging path writes for a first import: pupils with a random UUID,
 * their enrolments, an account per pupil with a current enrolment (usernames
 * numbered per base in Discimus id order, as in accounts.ts), the
 * username_counters, and the schools and locations (writeSchools in apply.ts).
 *
 * How: first-import-thread.ts reads the file and hands it over in batches to
 * a worker thread that parses and renders the rows as COPY text; a loader
 * takes that text into the database: COPY on PostgreSQL
 * (first-import-pg.ts), temporary tables moved in key order on SQLite
 * (first-import-sqlite.ts). This module holds what they share.
 */
import type { SyncSession } from './session.js';
import { countOf } from './sql.js';
import type { CopyTable } from './first-import-lines.js';
import type { SchoolsSeen } from './first-import-lines.js';

export interface FirstImportCounts {
  pupils: number;
  enrolments: number;
  accountsCreated: number;
  institutionsNew: number;
  locationsNew: number;
}

export interface FirstImportOptions {
  /** created_at, updated_at and last_seen_at of everything written. */
  nowMs: number;
  /** 'YYYY-MM-DD'; "current" already came with the rows (pupilHasCurrent). */
  today: string;
}

/** Takes the worker's chunks of COPY text into one database. */
export interface ChunkLoader {
  /** Queues or loads one chunk of one table's lines. */
  load(table: CopyTable, bytes: Buffer): void;
  /** Resolves once less than `limit` bytes wait to be loaded; rejects with a failure. */
  waitBelow(limit: number): void | Promise<void>;
  /** Waits for whatever was handed on, whatever the outcome. */
  settle(): Promise<void>;
  /** After the last chunk: whatever the load still owes, and username_counters. */
  complete(counters: ReadonlyMap<string, number>): Promise<void>;
}

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
