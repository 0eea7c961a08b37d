/**
 * Reads a dump as a stream of records: file -> checksum -> gunzip (when the
 * file starts with the gzip magic bytes) -> UTF-8 check -> CSV parser. Never
 * holds more than a few chunks in memory. File-level faults become
 * LeerIdErrors with a dump.* code.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse, type Parser } from 'csv-parse';
import { LeerIdError } from '../errors/index.js';
import { DUMP_COLUMNS } from './columns.js';
import { resolveHeader, type ColumnMapping } from './mapping.js';
import { Utf8Check } from './utf8-check.js';

/** One data row: its line number in the file and its values in DUMP_COLUMNS order. */
export interface DumpRecord {
  line: number;
  values: string[];
  /** False when the row has more or fewer fields than the header. */
  columnsOk: boolean;
}

export interface DumpStats {
  size: number;
  bytesRead: number;
  /** sha256 of the file as stored (compressed when gzip), known after the end. */
  checksum: string;
  gzip: boolean;
}

/** Receives rows in batches; a returned promise holds the reader until it settles. */
export type BatchHandler = (records: DumpRecord[]) => void | Promise<void>;

export interface DumpReader {
  stats: DumpStats;
  /** Streams every data row to `onBatch`; resolves after the last one. */
  read(onBatch: BatchHandler): Promise<void>;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const CHUNK = 1 << 20;
const BATCH = 2000;

export async function openDump(path: string, mapping: ColumnMapping): Promise<DumpReader> {
  const size = await fileSize(path);
  if (size === 0) throw new LeerIdError('dump.empty', `${path} is empty`);

  const gzip = await startsWithGzipMagic(path);
  const stats: DumpStats = { size, bytesRead: 0, checksum: '', gzip };

  return { stats, read: (onBatch) => readRecords(path, mapping, stats, onBatch) };
}

async function readRecords(
  path: string,
  mapping: ColumnMapping,
  stats: DumpStats,
  onBatch: BatchHandler,
): Promise<void> {
  const hash = createHash('sha256');
  const file = createReadStream(path, { highWaterMark: CHUNK });
  file.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    stats.bytesRead += chunk.length;
  });

  const text = stats.gzip ? file.pipe(createGunzip({ chunkSize: CHUNK })) : file;
  const check = new Utf8Check();
  const parser = createParser(mapping);
  const counter = new RowCounter(mapping);
  forwardErrors([file, text, check], parser);
  text.pipe(check).pipe(parser);

  let rows = 0;
  try {
    await consume(parser, counter, (records) => {
      rows += records.length;
      return onBatch(records);
    });
  } catch (error) {
    throw classify(error, path);
  } finally {
    file.destroy();
  }

  if (check.lastByte !== 0x0a) {
    throw new LeerIdError('dump.truncated', `${path} does not end with a line break`);
  }
  if (rows === 0) throw new LeerIdError('dump.empty', `${path} holds no rows`);
  stats.checksum = hash.digest('hex');
}

function createParser(mapping: ColumnMapping): Parser {
  // No on_record/info: csv-parse then builds an object per row, which
  // doubles the parse time. Line numbers are counted in RowCounter instead.
  return parse({ bom: true, delimiter: mapping.delimiter, relax_column_count: true });
}

/**
 * Turns raw parsed rows into records: the first row is the header and fixes
 * where each of our columns sits; every later row is put in our column order
 * and numbered with the line it starts on. A blank line parses as [''].
 */
class RowCounter {
  private positions: number[] | undefined;
  private width = 0;
  private inOrder = false;
  private nextLine = 1;

  constructor(private readonly mapping: ColumnMapping) {}

  toRecord(raw: string[]): DumpRecord | null {
    const line = this.nextLine;
    this.nextLine += 1 + newlinesIn(raw);

    if (raw.length === 1 && raw[0] === '') return null;
    if (!this.positions) {
      this.positions = resolveHeader(raw, this.mapping);
      this.width = raw.length;
      this.inOrder =
        raw.length === DUMP_COLUMNS.length && this.positions.every((at, i) => at === i);
      return null;
    }
    // Our own header order and width: the parsed row is already the record.
    const columnsOk = raw.length === this.width;
    const values = this.inOrder && columnsOk ? raw : pick(raw, this.positions);
    return { line, values, columnsOk };
  }
}

/** Line breaks inside quoted values, so later rows keep their file line numbers. */
function newlinesIn(raw: string[]): number {
  let count = 0;
  for (const value of raw) {
    if (value.length === 0 || value.indexOf('\n') < 0) continue;
    for (const char of value) if (char === '\n') count++;
  }
  return count;
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

/**
 * Reads the parser in batches, without a promise per row; while a handler's
 * promise is pending nothing is read, so back-pressure reaches the file.
 */
function consume(parser: Parser, counter: RowCounter, onBatch: BatchHandler): Promise<void> {
  return new Promise((resolve, reject) => {
    let busy = false;
    let ended = false;

    const pump = (): void => {
      while (!busy) {
        const batch: DumpRecord[] = [];
        try {
          let raw: string[] | null;
          while (batch.length < BATCH && (raw = parser.read() as string[] | null)) {
            const record = counter.toRecord(raw);
            if (record) batch.push(record);
          }
        } catch (error) {
          return fail(error);
        }
        if (batch.length === 0) {
          if (ended) resolve();
          return;
        }

        let pending: void | Promise<void>;
        try {
          pending = onBatch(batch);
        } catch (error) {
          return fail(error);
        }
        if (pending) {
          busy = true;
          pending.then(() => {
            busy = false;
            pump();
          }, fail);
        }
      }
    };
    const fail = (error: unknown): void => {
      parser.destroy();
      reject(error);
    };

    parser.on('readable', pump);
    parser.on('end', () => {
      ended = true;
      if (!busy) pump();
    });
    parser.on('error', fail);
  });
}

/** The parser is what we read, so errors upstream must reach it. */
function forwardErrors(streams: Readable[], target: Parser): void {
  for (const stream of streams) stream.on('error', (error) => target.destroy(error));
}

function classify(error: unknown, path: string): LeerIdError {
  if (error instanceof LeerIdError) return error;
  const err = error as NodeJS.ErrnoException;

  if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
    return new LeerIdError('dump.truncated', `${path}: the gzip stream ends early`, { cause: err });
  }
  if (err.code?.startsWith('Z_')) {
    return new LeerIdError('dump.unreadable', `${path}: broken gzip data`, { cause: err });
  }
  if (err.code?.startsWith('CSV_')) {
    return new LeerIdError('dump.malformed', `${path}: ${err.message}`, { cause: err });
  }
  return new LeerIdError('dump.unreadable', `${path}: ${err.message}`, { cause: err });
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
