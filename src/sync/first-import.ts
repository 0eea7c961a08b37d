/**
 * The first import into a store that holds no pupils yet: the validated rows
 * go straight into pupils and enrolments, with no staging table and no diff
 * (every pupil and every row is new). The result is exactly what the staging
 * path writes for a first import: pupils with a random UUID, their
 * enrolments, an account per pupil with a current enrolment (usernames
 * numbered per base in Discimus id order, as in accounts.ts), the
 * username_counters, and the schools and locations (writeSchools in apply.ts).
 *
 * PostgreSQL: COPY in chunks of about a megabyte, pupils, enrolments and
 * accounts taking turns on the connection, all while the file is read; the
 * usernames are numbered as their pupils pass (username-numbering.ts), which
 * needs the pupils in Discimus id order (the sync sends a dump in any other
 * order down the staging path instead). SQLite: prepared multi-row inserts
 * into plain temporary tables, moved in key order at the end (see
 * insertLoad), the accounts made set-based after. Schools are collected in
 * memory (a few thousand).
 *
 * Rows must arrive grouped by pupil with the first row of each flagged
 * (pupilFirst, pupilHasCurrent, runHash), as the triage emits them for a
 * grouped dump; on PostgreSQL the pupils in Discimus id order. Run it inside
 * the run's transaction and inside withBulkLoad.
 */
import type { Writable } from 'node:stream';
import { copyText } from './copy-text.js';
import {
  COPY_CHUNK,
  CopyLines,
  ENROLMENT_COLUMNS,
  LineBuffer,
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

/** SQLite: pupils with a current enrolment, what the usernames are computed from. */
const ACCOUNT_NEEDS = 'first_import_accounts';
const ACCOUNT_NEED_COLUMNS = 'pupil_id, discimus_id, username_base';
/** SQLite only: the rows before they move to pupils and enrolments in key order. */
const PUPILS_FIRST = 'first_import_pupils';
const ENROLMENTS_FIRST = 'first_import_enrolments';

export async function createFirstImport(
  session: SyncSession,
  options: FirstImportOptions,
): Promise<FirstImportWriter> {
  const rows = new RowSink();
  const load =
    session.dialect === 'pg'
      ? copyLoad(session, options, new DumpOrderNumbering(await storedCounters(session)))
      : await insertLoad(session, options);

  return {
    push(row) {
      rows.take(row);
      load.push(row, rows.pupilId);
    },
    flush: () => load.flush(),
    finish: () => load.finish(),
    abort: (error) => load.abort(error),
    async complete() {
      const accountsCreated = await load.complete();
      const { institutionsNew, locationsNew } = await writeSchools(session, rows.schools);
      return {
        pupils: rows.pupils,
        enrolments: rows.enrolments,
        accountsCreated,
        institutionsNew,
        locationsNew,
      };
    },
  };
}

interface Load {
  push(row: StagedRow, pupilId: string): void;
  flush(): void | Promise<void>;
  finish(): Promise<void>;
  abort(error: Error): Promise<void>;
  /** After finish(): the accounts and username_counters; resolves with the accounts made. */
  complete(): Promise<number>;
}

// ---------------------------------------------------------------------------
// PostgreSQL: COPY

/** Bytes sent but not yet loaded, at most: the reader waits beyond this. */
const COPY_QUEUED = 4 << 20;

/** On the connection's own thread: the lines go to COPY as they fill a chunk. */
function copyLoad(
  session: SyncSession,
  options: FirstImportOptions,
  numbering: DumpOrderNumbering,
): Load {
  const queue = new CopyQueue(session);
  const lines = new CopyLines(options.nowMs, numbering, (sql, bytes) => queue.send(sql, bytes));

  return {
    push: (row, pupilId) => lines.push(row, pupilId),
    flush() {
      lines.send(false);
      return queue.waitBelow(COPY_QUEUED);
    },
    async finish() {
      lines.send(true);
      await queue.waitBelow(1);
    },
    async abort() {
      lines.discard();
      await queue.settle();
    },
    async complete() {
      await writeCounters(session, numbering.counters());
      return lines.accountsWritten;
    },
  };
}

/** COPY statements run one after another; the first failure stops the rest. */
export class CopyQueue {
  private readonly pending: { done: Promise<void>; size: number }[] = [];
  /** Bytes in `pending`, loaded or not: drain() counts them off. */
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private failure: Error | undefined;

  constructor(private readonly session: SyncSession) {}

  send(sql: string, bytes: Buffer): void {
    if (this.failure) return;
    const done = this.tail.then(() => (this.failure ? undefined : this.copy(sql, bytes)));
    this.tail = done.catch((error: Error) => {
      this.failure ??= error;
    });
    this.pending.push({ done: this.tail, size: bytes.length });
    this.queued += bytes.length;
  }

  /** Resolves once less than `limit` characters wait; rejects with the first failure. */
  waitBelow(limit: number): void | Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queued < limit) return;
    return this.drain(limit);
  }

  /** Waits for every COPY sent, whatever the outcome. */
  async settle(): Promise<void> {
    await this.tail;
  }

  private async drain(limit: number): Promise<void> {
    while (this.queued >= limit && this.pending.length) {
      const first = this.pending.shift() as { done: Promise<void>; size: number };
      await first.done;
      this.queued -= first.size;
      if (this.failure) throw this.failure;
    }
  }

  private copy(sql: string, bytes: Buffer): Promise<void> {
    const stream: Writable = this.session.copyIn(sql);
    return new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
      stream.end(bytes);
    });
  }
}

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
async function insertLoad(session: SyncSession, options: FirstImportOptions): Promise<Load> {
  // Plain tables, no keys: rows are appended, then moved in key order.
  for (const [table, like] of [
    [PUPILS_FIRST, 'pupils'],
    [ENROLMENTS_FIRST, 'enrolments'],
  ]) {
    await session.run(`DROP TABLE IF EXISTS ${table}`);
    await session.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM ${like} WHERE 0`);
  }
  await session.run(`DROP TABLE IF EXISTS ${ACCOUNT_NEEDS}`);
  await session.run(
    `CREATE TEMP TABLE ${ACCOUNT_NEEDS}
       (pupil_id text NOT NULL, discimus_id text NOT NULL, username_base text NOT NULL)`,
  );

  const now = options.nowMs;
  const pupils = batchInsert(session, PUPILS_FIRST, PUPIL_COLUMNS);
  const enrolments = batchInsert(session, ENROLMENTS_FIRST, ENROLMENT_COLUMNS);
  const accounts = batchInsert(session, ACCOUNT_NEEDS, ACCOUNT_NEED_COLUMNS);

  return {
    push(row, pupilId) {
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
          accounts.push([pupilId, row.discimusId, row.usernameBase]);
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
      const created = await createAccounts(session, now);
      await session.run(`DROP TABLE ${ACCOUNT_NEEDS}`);
      return created;
    },
  };
}

// ---------------------------------------------------------------------------
// Accounts and schools, after the rows

/**
 * SQLite: as createMissingAccounts (accounts.ts) on an empty accounts table:
 * the n-th pupil of a base, in Discimus id order, gets the base numbered
 * after what username_counters already holds. With no accounts there is no
 * clash.
 */
async function createAccounts(session: SyncSession, nowMs: number): Promise<number> {
  const created = await session.run(
    `INSERT INTO accounts (pupil_id, username, password_hash, managed_by, status,
                           created_at, updated_at)
     SELECT n.pupil_id,
            CASE WHEN coalesce(c.taken, 0) + n.rn = 1 THEN n.username_base
                 ELSE n.username_base || (coalesce(c.taken, 0) + n.rn) END,
            NULL, 'school', 'active', ?, ?
       FROM (SELECT pupil_id, username_base,
                    row_number() OVER (PARTITION BY username_base
                                       ORDER BY discimus_id) AS rn
               FROM ${ACCOUNT_NEEDS}) n
       LEFT JOIN username_counters c ON c.base = n.username_base
      ORDER BY n.pupil_id`,
    [nowMs, nowMs],
  );
  await session.run(
    `INSERT INTO username_counters (base, taken)
     SELECT username_base, count(*) FROM ${ACCOUNT_NEEDS} WHERE 1 = 1 GROUP BY username_base
     ON CONFLICT (base) DO UPDATE SET taken = username_counters.taken + excluded.taken`,
  );
  return created;
}

/** PostgreSQL: username_counters replaced by what the numbering ended with. */
export async function writeCounters(session: SyncSession, counters: ReadonlyMap<string, number>) {
  await session.run('DELETE FROM username_counters');
  const lines = new LineBuffer('COPY username_counters (base, taken) FROM STDIN');
  const queue = new CopyQueue(session);
  for (const [base, taken] of counters) {
    lines.add(`${copyText(base)}\t${taken}\n`);
    if (lines.length >= COPY_CHUNK) queue.send(lines.sql, lines.take());
  }
  if (lines.length) queue.send(lines.sql, lines.take());
  await queue.waitBelow(1);
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
