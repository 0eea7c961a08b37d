/**
 * Reads a dump: file -> checksum -> gunzip (when the file starts with the
 * gzip magic bytes) -> UTF-8 check -> scanner, which hands on pupil runs as
 * raw bytes. Never holds more than a few chunks in memory. Runs that need
 * their fields are parsed with `toRecords`. File-level faults become
 * LeerIdErrors with a dump.* code.
 */
import { createHash, hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LeerIdError } from '../errors/index.js';
import { parseCsv } from './csv.js';
import { DUMP_COLUMNS, type DumpColumn } from './columns.js';
import { recordsMayHoldControlCharacter } from '../util/control-characters.js';
import { DumpScanner } from './dump-scanner.js';
import { resolveHeader, type ColumnMapping } from './mapping.js';
import { Utf8Check } from './utf8-check.js';
import { ROW_RULES_VERSION } from './validate-row.js';

/** One data row: its line number in the file and its values in DUMP_COLUMNS order. */
export interface DumpRecord {
  line: number;
  values: string[];
  /** False when the row has more or fewer fields than the header. */
  columnsOk: boolean;
  /** Then, how many (for the fault's message). */
  fieldCount?: FieldCount;
  /**
   * True when the record's text was seen to hold no control character, so
   * validateRow need not look at each value; otherwise it does.
   */
  controlFree?: boolean;
}

/** A row's fields against the header's, for the row.columns fault. */
export interface FieldCount {
  found: number;
  expected: number;
  /** A short row: the first of our columns left without a value. */
  firstMissing?: DumpColumn;
}

export interface DumpStats {
  size: number;
  bytesRead: number;
  /** sha256 of the file as stored (compressed when gzip), known after the end. */
  checksum: string;
  gzip: boolean;
}

/** What the header says about every record: where our columns are. */
export interface DumpShape {
  delimiter: string;
  /** For each of DUMP_COLUMNS, its position in a record (-1: absent). */
  positions: number[];
  width: number;
  /** Our own column order and width: a parsed record needs no reordering. */
  inOrder: boolean;
  /**
   * Header, mapping and row rules in a few characters: the same bytes mean
   * the same pupil only under the same shape.
   */
  fingerprint: string;
}

export interface DumpSink {
  begin(shape: DumpShape): void;
  /** One pupil's adjacent records; `bytes` stays untouched until the next `drain`. */
  run(bytes: Buffer, id: string, lines: readonly number[]): void;
  /** Called after each chunk; a returned promise holds the reader until it settles. */
  drain(): void | Promise<void>;
  /** After the last drain: faults found later still count as the file's. */
  end?(): Promise<void>;
}

export interface DumpReader {
  stats: DumpStats;
  /** Streams every pupil run to `sink`; resolves with the number of data rows. */
  scan(sink: DumpSink): Promise<number>;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/**
 * Bytes handed on per step. Each step is parsed in one synchronous stretch,
 * and while it runs the connection cannot start the next COPY: small steps
 * keep PostgreSQL loading while the file is read (64 KiB: read phase of a
 * national first import 20 s -> 14 s against 1 MiB).
 */
const CHUNK = 1 << 16;

export async function openDump(path: string, mapping: ColumnMapping): Promise<DumpReader> {
  const size = await fileSize(path);
  if (size === 0) throw new LeerIdError('dump.empty', `${path} is empty`);

  const gzip = await startsWithGzipMagic(path);
  const stats: DumpStats = { size, bytesRead: 0, checksum: '', gzip };

  return { stats, scan: (sink) => scanDump(path, mapping, stats, sink) };
}

async function scanDump(
  path: string,
  mapping: ColumnMapping,
  stats: DumpStats,
  sink: DumpSink,
): Promise<number> {
  const checksum = createHash('sha256');
  stats.bytesRead = 0;
  const file = createReadStream(path, { highWaterMark: CHUNK });
  file.on('data', (chunk) => {
    checksum.update(chunk as Buffer);
    stats.bytesRead += chunk.length;
  });

  const text = stats.gzip ? file.pipe(createGunzip({ chunkSize: CHUNK })) : file;
  const check = new Utf8Check();
  forwardErrors([file, text], check);
  text.pipe(check);

  const scanner = new DumpScanner(mapping.delimiter, {
    header(fields, raw) {
      const shape = shapeOf(fields, raw, mapping);
      sink.begin(shape);
      return shape.positions[DUMP_COLUMNS.indexOf('discimus_id')] as number;
    },
    run: (bytes, id, lines) => sink.run(bytes, id, lines),
  });

  let bytes = 0;
  try {
    for await (const chunk of check) {
      bytes += (chunk as Buffer).length;
      scanner.push(chunk as Buffer);
      await sink.drain();
    }
    // An empty file, compressed or not, is empty rather than cut off.
    if (bytes === 0) throw new LeerIdError('dump.empty', `${path} holds no rows`);
    if (scanner.lastByte !== 0x0a) {
      throw new LeerIdError('dump.truncated', `${path} does not end with a line break`);
    }
    scanner.end();
    await sink.drain();
    await sink.end?.();
  } catch (error) {
    throw classify(error, path);
  } finally {
    file.destroy();
  }

  if (scanner.records === 0) throw new LeerIdError('dump.empty', `${path} holds no rows`);
  stats.checksum = checksum.digest('hex');
  return scanner.records;
}

function shapeOf(fields: string[], raw: Buffer, mapping: ColumnMapping): DumpShape {
  const positions = resolveHeader(fields, mapping);
  const inOrder = fields.length === DUMP_COLUMNS.length && positions.every((at, i) => at === i);
  const identity = `${raw.toString('base64')}|${JSON.stringify(mapping)}|${ROW_RULES_VERSION}`;

  return {
    delimiter: mapping.delimiter,
    positions,
    width: fields.length,
    inOrder,
    fingerprint: hash('md5', identity, 'base64').slice(0, 5),
  };
}

/**
 * Parses complete records (runs as the scanner cut them, one after the
 * other) into records in our column order; `lines` holds each record's
 * first line. Records holding no double quote follow no CSV rule but the
 * delimiter, so they are split on it directly; any other goes through the
 * CSV parser.
 */
export function toRecords(shape: DumpShape, bytes: Buffer, lines: ArrayLike<number>): DumpRecord[] {
  let rows: string[][];
  // A quoted value may hold a line break, so only unquoted text is screened whole.
  let controlFree = false;
  if (bytes.indexOf(QUOTE) < 0) {
    const text = bytes.toString('utf8');
    controlFree = !recordsMayHoldControlCharacter(text);
    rows = splitPlain(text, shape.delimiter);
  } else {
    rows = parseCsv(bytes, shape.delimiter, lines[0] ?? 1);
  }
  if (rows.length !== lines.length) {
    // The scanner and the parser disagree on where records end: never guess.
    throw new LeerIdError(
      'dump.malformed',
      `line ${lines[0]}: ${rows.length} records parsed where ${lines.length} were expected`,
    );
  }

  const records = new Array<DumpRecord>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i] as string[];
    const columnsOk = raw.length === shape.width;
    const values = shape.inOrder && columnsOk ? raw : pick(raw, shape.positions);
    const fieldCount = columnsOk ? undefined : countFields(raw.length, shape);
    records[i] = { line: lines[i] as number, values, columnsOk, fieldCount, controlFree };
  }
  return records;
}

function countFields(found: number, shape: DumpShape): FieldCount {
  // Our column at the smallest position the short row does not reach.
  let first = -1;
  for (let i = 0; i < shape.positions.length; i++) {
    const at = shape.positions[i] as number;
    if (at >= found && (first < 0 || at < (shape.positions[first] as number))) first = i;
  }
  return {
    found,
    expected: shape.width,
    firstMissing: first < 0 ? undefined : DUMP_COLUMNS[first],
  };
}

const QUOTE = 0x22;

/** Records without quotes, each ended by LF or CRLF. */
function splitPlain(text: string, delimiter: string): string[][] {
  const lines = text.split('\n');
  lines.pop(); // after the last line feed
  const rows = new Array<string[]>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const end = line.endsWith('\r') ? line.length - 1 : line.length;
    rows[i] = (end === line.length ? line : line.slice(0, end)).split(delimiter);
  }
  return rows;
}

/** Puts the row's values in our column order; absent optional columns are ''. */
function pick(raw: string[], positions: number[]): string[] {
  const values = new Array<string>(DUMP_COLUMNS.length);
  for (let i = 0; i < positions.length; i++) {
    const at = positions[i] as number;
    values[i] = at < 0 ? '' : (raw[at] ?? '');
  }
  return values;
}

/** The UTF-8 check is what we read, so errors upstream must reach it. */
function forwardErrors(streams: Readable[], target: Readable): void {
  for (const stream of streams) stream.on('error', (error) => target.destroy(error));
}

/**
 * Names the file in faults of the dump; errors of whatever consumes the runs
 * (the database, say) pass unchanged.
 */
function classify(error: unknown, path: string): unknown {
  if (error instanceof LeerIdError) {
    if (!error.code.startsWith('dump.') || error.message.startsWith(path)) return error;
    return new LeerIdError(error.code, `${path}: ${error.message}`, { cause: error });
  }
  const err = error as NodeJS.ErrnoException;

  if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
    return new LeerIdError('dump.truncated', `${path}: the gzip stream ends early`, { cause: err });
  }
  if (err.code?.startsWith('Z_')) {
    return new LeerIdError('dump.unreadable', `${path}: broken gzip data`, { cause: err });
  }
  if (err.syscall) {
    return new LeerIdError('dump.unreadable', `${path}: ${err.message}`, { cause: err });
  }
  return error;
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    return info.size;
  } catch (error) {
    throw new LeerIdError('dump.unreadable', `${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}
