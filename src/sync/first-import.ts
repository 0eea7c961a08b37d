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
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { countOf } from './sql.js';
import { copyText, NEEDS_ESCAPE } from './copy-text.js';
import type { SyncSession } from './session.js';
import type { StagedRow } from './validate-row.js';
import { DumpOrderNumbering } from './username-numbering.js';

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

const PUPIL_COLUMNS =
  'id, discimus_id, insz, given_name, family_name, gender, birth_date, row_hash, dump_hash, ' +
  'created_at, updated_at, last_seen_at';
const ENROLMENT_COLUMNS =
  'pupil_id, institution_number, location_number, stamnummer, kind_of_education, ' +
  'administrative_group, enrolment_date, start_date, end_date, row_hash, updated_at';
const ACCOUNT_NEED_COLUMNS = 'pupil_id, discimus_id, username_base';
const ACCOUNT_COLUMNS =
  'pupil_id, username, password_hash, managed_by, status, created_at, updated_at';

/** SQLite: pupils with a current enrolment, what the usernames are computed from. */
const ACCOUNT_NEEDS = 'first_import_accounts';
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

/** What both dialects keep per row: the pupil's UUID, the counts, the schools. */
class RowSink {
  pupilId = '';
  pupils = 0;
  enrolments = 0;
  readonly schools = new Schools();

  take(row: StagedRow): void {
    if (row.pupilFirst === 1) {
      this.pupilId = randomUUID();
      this.pupils++;
    } else if (!this.pupilId) {
      throw new Error('first import: rows must arrive grouped, the first of a pupil flagged');
    }
    this.enrolments++;
    this.schools.add(row);
  }
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

/** One COPY statement per this many bytes of one table's lines. */
const COPY_CHUNK = 1 << 20;
/** Bytes sent but not yet loaded, at most: the reader waits beyond this. */
const COPY_QUEUED = 4 << 20;

/**
 * The three tables' lines are buffered side by side and sent in chunks, one
 * COPY statement per chunk, queued on the connection (one COPY at a time).
 * So the server loads every table while the file is still being read,
 * rather than one table after the last row.
 */
function copyLoad(
  session: SyncSession,
  options: FirstImportOptions,
  numbering: DumpOrderNumbering,
): Load {
  // The *_at columns: created_at, updated_at, last_seen_at; updated_at.
  const pupilStamps = `\t${options.nowMs}\t${options.nowMs}\t${options.nowMs}\n`;
  const enrolmentStamp = `\t${options.nowMs}\n`;
  const accountTail = `\t\\N\tschool\tactive\t${options.nowMs}\t${options.nowMs}\n`;
  const queue = new CopyQueue(session);
  const pupils = new LineBuffer(`COPY pupils (${PUPIL_COLUMNS}) FROM STDIN`);
  const enrolments = new LineBuffer(`COPY enrolments (${ENROLMENT_COLUMNS}) FROM STDIN`);
  const accounts = new LineBuffer(`COPY accounts (${ACCOUNT_COLUMNS}) FROM STDIN`);
  const buffers = [pupils, enrolments, accounts];
  let accountsWritten = 0;

  const send = (all: boolean) => {
    for (const buffer of buffers) {
      if (buffer.length >= COPY_CHUNK || (all && buffer.length)) {
        queue.send(buffer.sql, buffer.take());
      }
    }
  };

  return {
    push(row, pupilId) {
      if (row.pupilFirst === 1) {
        pupils.add(pupilLine(row, pupilId, pupilStamps));
        if (row.pupilHasCurrent === 1) {
          const username = numbering.next(row.discimusId, row.usernameBase);
          accounts.add(`${pupilId}\t${username}${accountTail}`);
          accountsWritten++;
        }
      }
      enrolments.add(enrolmentLine(row, pupilId, enrolmentStamp));
    },
    flush() {
      send(false);
      return queue.waitBelow(COPY_QUEUED);
    },
    async finish() {
      send(true);
      await queue.waitBelow(1);
    },
    async abort() {
      for (const buffer of buffers) buffer.take();
      await queue.settle();
    },
    async complete() {
      await writeCounters(session, numbering.counters());
      return accountsWritten;
    },
  };
}

/**
 * COPY lines written as UTF-8 into a buffer as they come: the row's strings
 * die young, where a growing string would keep them all alive (and the
 * garbage collector busy) until the chunk is sent.
 */
class LineBuffer {
  length = 0;
  private bytes = Buffer.allocUnsafe(COPY_CHUNK * 2);

  /** `sql`: the COPY statement its lines are for. */
  constructor(readonly sql: string) {}

  add(line: string): void {
    // At most 3 bytes per UTF-16 unit.
    if (this.length + line.length * 3 > this.bytes.length) this.grow(line.length * 3);
    this.length += this.bytes.write(line, this.length, 'utf8');
  }

  /** The lines so far; the buffer starts empty again. */
  take(): Buffer {
    const taken = this.bytes.subarray(0, this.length);
    this.bytes = Buffer.allocUnsafe(this.bytes.length);
    this.length = 0;
    return taken;
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + needed));
    this.bytes.copy(next, 0, 0, this.length);
    this.bytes = next;
  }
}

/** COPY statements run one after another; the first failure stops the rest. */
class CopyQueue {
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

/*
 * The line builders test only the free-text fields for characters COPY must
 * escape: every other value passed a format rule (ids, numbers, dates, codes
 * from a closed list, base64 hashes, lower-case usernames) that excludes them.
 */

/** As apply.ts keeps it: only a pupil that gets an account may be skipped later. */
function dumpHashOf(row: StagedRow): string | null {
  return row.pupilHasCurrent === 1 ? row.runHash : null;
}

function pupilLine(row: StagedRow, pupilId: string, stamps: string): string {
  if (NEEDS_ESCAPE.test(row.familyName) || NEEDS_ESCAPE.test(row.givenName)) {
    return (
      `${pupilId}\t${row.discimusId}\t${row.insz ?? '\\N'}\t${copyText(row.givenName)}\t` +
      `${copyText(row.familyName)}\t${row.gender}\t${row.birthDate}\t${row.pupilHash}\t` +
      `${dumpHashOf(row) ?? '\\N'}${stamps}`
    );
  }
  return (
    `${pupilId}\t${row.discimusId}\t${row.insz ?? '\\N'}\t${row.givenName}\t` +
    `${row.familyName}\t${row.gender}\t${row.birthDate}\t${row.pupilHash}\t` +
    `${dumpHashOf(row) ?? '\\N'}${stamps}`
  );
}

function enrolmentLine(row: StagedRow, pupilId: string, stamp: string): string {
  const group = NEEDS_ESCAPE.test(row.administrativeGroup)
    ? copyText(row.administrativeGroup)
    : row.administrativeGroup;
  const stamnummer = NEEDS_ESCAPE.test(row.stamnummer) ? copyText(row.stamnummer) : row.stamnummer;
  return (
    `${pupilId}\t${row.institutionNumber}\t${row.locationNumber}\t${stamnummer}\t` +
    `${row.kindOfEducation}\t${group}\t${row.enrolmentDate}\t` +
    `${row.startDate}\t${row.endDate ?? '\\N'}\t${row.enrolmentHash}${stamp}`
  );
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
async function writeCounters(session: SyncSession, counters: ReadonlyMap<string, number>) {
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
async function storedCounters(session: SyncSession): Promise<Map<string, number>> {
  const rows = await session.all<{ base: string; taken: number | string }>(
    'SELECT base, taken FROM username_counters',
  );
  return new Map(rows.map((row) => [row.base, Number(row.taken)]));
}

/**
 * Every institution and location seen, an institution's name the greatest
 * one given for it in byte order (as max() over a "C" column in the staging
 * path), or null when none was given.
 */
class Schools {
  readonly names = new Map<string, string | null>();
  readonly locations = new Map<string, Set<string>>();
  private lastInstitution = '';
  private lastLocation = '';
  private lastName: string | null = null;

  add(row: StagedRow): void {
    const { institutionNumber: institution, locationNumber: location, institutionName: name } = row;
    // Most rows repeat the school of the row before, often its name too.
    if (
      institution === this.lastInstitution &&
      location === this.lastLocation &&
      (name === null || name === this.lastName)
    ) {
      return;
    }
    this.lastName = name;
    if (institution !== this.lastInstitution || location !== this.lastLocation) {
      let set = this.locations.get(institution);
      if (!set) this.locations.set(institution, (set = new Set()));
      set.add(location);
      this.lastInstitution = institution;
      this.lastLocation = location;
    }
    const known = this.names.get(institution);
    if (known === undefined) {
      this.names.set(institution, name);
    } else if (name !== null && name !== known && (known === null || byteOrder(name, known) > 0)) {
      this.names.set(institution, name);
    }
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Compares as UTF-8 bytes ("C" collation, SQLite BINARY); UTF-16 differs only past U+FFFF. */
export function byteOrder(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rows per INSERT ... VALUES for the schools. */
const SCHOOL_ROWS = 500;

/** As writeSchools (apply.ts): new schools added, names follow the dump, locations added. */
async function writeSchools(session: SyncSession, schools: Schools) {
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
