/**
 * The staging table: every valid dump row, loaded in bulk before any change
 * to the store. PostgreSQL gets it by COPY (text format), SQLite by a
 * prepared multi-row insert, both inside the run's transaction.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { copyText, NEEDS_ESCAPE } from './copy-text.js';
import type { SyncSession } from './session.js';
import type { StagedRow } from './validate-row.js';

export interface StageWriter {
  push(row: StagedRow): void;
  /** Hands buffered rows on; a promise means "wait before pushing more". */
  flush(): void | Promise<void>;
  finish(): Promise<void>;
  /** Ends the load after a fault, so the connection can roll back. */
  abort(error: Error): Promise<void>;
}

const STAGE_COLUMNS = [
  ['line', 'integer'],
  ['discimus_id', 'text'],
  ['insz', 'text'],
  ['family_name', 'text'],
  ['given_name', 'text'],
  ['gender', 'text'],
  ['birth_date', 'date'],
  ['institution_number', 'text'],
  ['institution_name', 'text'],
  ['location_number', 'text'],
  ['stamnummer', 'text'],
  ['kind_of_education', 'text'],
  ['administrative_group', 'text'],
  ['enrolment_date', 'date'],
  ['start_date', 'date'],
  ['end_date', 'date'],
  ['pupil_hash', 'text'],
  ['enrolment_hash', 'text'],
  ['username_base', 'text'],
  ['pupil_first', 'integer'],
  ['pupil_has_current', 'integer'],
  ['run_hash', 'text'],
] as const;

function values(row: StagedRow): (string | number | null)[] {
  return [
    row.line,
    row.discimusId,
    row.insz,
    row.familyName,
    row.givenName,
    row.gender,
    row.birthDate,
    row.institutionNumber,
    row.institutionName,
    row.locationNumber,
    row.stamnummer,
    row.kindOfEducation,
    row.administrativeGroup,
    row.enrolmentDate,
    row.startDate,
    row.endDate,
    row.pupilHash,
    row.enrolmentHash,
    row.usernameBase,
    row.pupilFirst,
    row.pupilHasCurrent,
    row.runHash,
  ];
}

export async function createStage(session: SyncSession): Promise<StageWriter> {
  // Byte order ("C") for the codes: sorting and grouping skip the locale.
  const collate = session.dialect === 'pg' ? ' COLLATE "C"' : '';
  const columns = STAGE_COLUMNS.map(
    ([name, type]) => `${name} ${type}${type === 'text' ? collate : ''}`,
  ).join(', ');
  // Unlogged by nature: temporary, private to this connection, gone at the end.
  const temp = session.dialect === 'pg' ? 'TEMPORARY' : 'TEMP';
  await session.run(`DROP TABLE IF EXISTS stage_rows`);
  await session.run(`CREATE ${temp} TABLE stage_rows (${columns})`);

  return session.dialect === 'pg' ? copyWriter(session) : insertWriter(session);
}

const COPY_BUFFER = 512 * 1024;

function copyWriter(session: SyncSession): StageWriter {
  const names = STAGE_COLUMNS.map(([name]) => name).join(', ');
  const stream: Writable = session.copyIn(`COPY stage_rows (${names}) FROM STDIN`);
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let buffer = '';

  return {
    push(row) {
      buffer += copyLine(row);
    },
    flush() {
      if (buffer.length < COPY_BUFFER) return;
      const ok = stream.write(buffer);
      buffer = '';
      return ok ? undefined : once(stream, 'drain').then(() => undefined);
    },
    async finish() {
      if (buffer) stream.write(buffer);
      stream.end();
      await done;
    },
    async abort(error) {
      // Destroying the stream sends CopyFail; the server then ends the COPY.
      buffer = '';
      stream.destroy(error);
      await done.catch(() => {});
    },
  };
}

/** One COPY line; the common case (nothing to escape) is checked once per row. */
function copyLine(row: StagedRow): string {
  const text =
    row.discimusId +
    (row.insz ?? '') +
    row.familyName +
    row.givenName +
    row.gender +
    (row.institutionName ?? '') +
    row.locationNumber +
    row.institutionNumber +
    row.stamnummer +
    row.kindOfEducation +
    row.administrativeGroup;
  if (NEEDS_ESCAPE.test(text)) return `${values(row).map(copyText).join('\t')}\n`;

  return (
    `${row.line}\t${row.discimusId}\t${row.insz ?? '\\N'}\t${row.familyName}\t` +
    `${row.givenName}\t${row.gender}\t${row.birthDate}\t${row.institutionNumber}\t` +
    `${row.institutionName ?? '\\N'}\t${row.locationNumber}\t${row.stamnummer}\t` +
    `${row.kindOfEducation}\t${row.administrativeGroup}\t${row.enrolmentDate}\t` +
    `${row.startDate}\t${row.endDate ?? '\\N'}\t${row.pupilHash}\t${row.enrolmentHash}\t` +
    `${row.usernameBase}\t${row.pupilFirst}\t${row.pupilHasCurrent}\t${row.runHash ?? '\\N'}\n`
  );
}

/** Rows per INSERT: SQLite allows 32,766 parameters, 22 per row. */
const INSERT_ROWS = 500;

function insertWriter(session: SyncSession): StageWriter {
  const conn = session.sqlite();
  const names = STAGE_COLUMNS.map(([name]) => name).join(', ');
  const one = `(${STAGE_COLUMNS.map(() => '?').join(', ')})`;
  const many = conn.prepare(
    `INSERT INTO stage_rows (${names}) VALUES ${Array(INSERT_ROWS).fill(one).join(', ')}`,
  );
  const single = conn.prepare(`INSERT INTO stage_rows (${names}) VALUES ${one}`);
  let pending: (string | number | null)[] = [];
  let count = 0;

  return {
    push(row) {
      for (const value of values(row)) pending.push(value);
      if (++count === INSERT_ROWS) {
        many.run(pending);
        pending = [];
        count = 0;
      }
    },
    flush() {},
    async finish() {
      const width = STAGE_COLUMNS.length;
      for (let i = 0; i < pending.length; i += width) single.run(pending.slice(i, i + width));
      pending = [];
      count = 0;
    },
    async abort() {
      pending = [];
    },
  };
}

/** dump_gone: the ids of present pupils the triage did not skip (see diff.ts). */
export async function stageGoneIds(session: SyncSession, ids: string[]): Promise<void> {
  const collate = session.dialect === 'pg' ? ' COLLATE "C"' : '';
  const temp = session.dialect === 'pg' ? 'TEMPORARY' : 'TEMP';
  await session.run(`DROP TABLE IF EXISTS dump_gone`);
  await session.run(`CREATE ${temp} TABLE dump_gone (discimus_id text${collate})`);
  if (ids.length === 0) return;

  if (session.dialect === 'sqlite') {
    const insert = session.sqlite().prepare('INSERT INTO dump_gone (discimus_id) VALUES (?)');
    for (const id of ids) insert.run(id);
    return;
  }
  // Stored ids passed the id rule: nothing in them needs escaping for COPY.
  const stream = session.copyIn('COPY dump_gone (discimus_id) FROM STDIN');
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  stream.end(`${ids.join('\n')}\n`);
  await done;
}
