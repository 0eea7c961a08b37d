/**
 * The first import's rows as COPY text, with nothing that needs the
 * database: so the same code renders them on the connection's thread or in
 * a worker thread (first-import-worker.ts). The pupils get their random
 * UUIDs here, the accounts their usernames, and the schools are collected.
 */
import { randomUUID } from 'node:crypto';
import { copyText, NEEDS_ESCAPE } from './copy-text.js';
import type { DumpOrderNumbering } from './username-numbering.js';
import type { StagedRow } from './validate-row.js';

export const PUPIL_COLUMNS =
  'id, discimus_id, insz, given_name, family_name, gender, birth_date, row_hash, dump_hash, ' +
  'created_at, updated_at, last_seen_at';
export const ENROLMENT_COLUMNS =
  'pupil_id, institution_number, location_number, stamnummer, kind_of_education, ' +
  'administrative_group, enrolment_date, start_date, end_date, row_hash, updated_at';
export const ACCOUNT_COLUMNS =
  'pupil_id, username, password_hash, managed_by, status, created_at, updated_at';

/** One COPY statement per this many bytes of one table's lines. */
export const COPY_CHUNK = 1 << 20;

/** Hands a chunk of one table's lines on, to be loaded by `sql`. */
export type SendCopy = (sql: string, bytes: Buffer) => void;

/**
 * The three tables' lines, buffered side by side and handed on in chunks of
 * about COPY_CHUNK bytes, so the server loads every table while the file is
 * still being read rather than one table after the last row. Usernames are
 * numbered as their pupils pass, which needs the pupils in Discimus id order.
 */
export class CopyLines {
  accountsWritten = 0;
  private readonly pupils = new LineBuffer(`COPY pupils (${PUPIL_COLUMNS}) FROM STDIN`);
  private readonly enrolments = new LineBuffer(`COPY enrolments (${ENROLMENT_COLUMNS}) FROM STDIN`);
  private readonly accounts = new LineBuffer(`COPY accounts (${ACCOUNT_COLUMNS}) FROM STDIN`);
  private readonly buffers = [this.pupils, this.enrolments, this.accounts];
  // The *_at columns: created_at, updated_at, last_seen_at; updated_at.
  private readonly pupilStamps: string;
  private readonly enrolmentStamp: string;
  private readonly accountTail: string;

  constructor(
    nowMs: number,
    readonly numbering: DumpOrderNumbering,
    private readonly sendCopy: SendCopy,
  ) {
    this.pupilStamps = `\t${nowMs}\t${nowMs}\t${nowMs}\n`;
    this.enrolmentStamp = `\t${nowMs}\n`;
    this.accountTail = `\t\\N\tschool\tactive\t${nowMs}\t${nowMs}\n`;
  }

  push(row: StagedRow, pupilId: string): void {
    if (row.pupilFirst === 1) {
      this.pupils.add(pupilLine(row, pupilId, this.pupilStamps));
      if (row.pupilHasCurrent === 1) {
        const username = this.numbering.next(row.discimusId, row.usernameBase);
        this.accounts.add(`${pupilId}\t${username}${this.accountTail}`);
        this.accountsWritten++;
      }
    }
    this.enrolments.add(enrolmentLine(row, pupilId, this.enrolmentStamp));
  }

  /** Hands on every full chunk; `all`: whatever lines there are. */
  send(all: boolean): void {
    for (const buffer of this.buffers) {
      if (buffer.length >= COPY_CHUNK || (all && buffer.length)) {
        this.sendCopy(buffer.sql, buffer.take());
      }
    }
  }

  discard(): void {
    for (const buffer of this.buffers) buffer.take();
  }
}

/** What both dialects keep per row: the pupil's UUID, the counts, the schools. */
export class RowSink {
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

/**
 * COPY lines written as UTF-8 into a buffer as they come: the row's strings
 * die young, where a growing string would keep them all alive (and the
 * garbage collector busy) until the chunk is sent.
 */
export class LineBuffer {
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

/*
 * The line builders test only the free-text fields for characters COPY must
 * escape: every other value passed a format rule (ids, numbers, dates, codes
 * from a closed list, base64 hashes, lower-case usernames) that excludes them.
 */

/** As apply.ts keeps it: only a pupil that gets an account may be skipped later. */
export function dumpHashOf(row: StagedRow): string | null {
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

/**
 * Every institution and location seen, an institution's name the greatest
 * one given for it in byte order (as max() over a "C" column in the staging
 * path), or null when none was given.
 */
/** Every institution (with its name, if any) and location seen. */
export interface SchoolsSeen {
  readonly names: Map<string, string | null>;
  readonly locations: Map<string, Set<string>>;
}

export class Schools implements SchoolsSeen {
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
