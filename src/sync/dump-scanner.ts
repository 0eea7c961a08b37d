/**
 * Splits a dump's bytes into records, and adjacent records of one pupil into
 * a run, without parsing the fields: only the Discimus id is cut out of each
 * record. Most pupils are described on a night exactly as on the night
 * before, and their runs can then be recognised by their bytes alone (see
 * triage.ts); only the rest is parsed.
 *
 * A record holding a double quote is split with a quote-aware scan, so a
 * line break inside a quoted value stays inside its record, and is checked
 * with the CSV parser at once, so a malformed one is reported with its line.
 */
import { LeerIdError } from '../errors/index.js';
import { parseCsv } from './csv.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;
const BOM = [0xef, 0xbb, 0xbf];

/** No real record comes near this: a longer one is a quote left open. */
export const MAX_RECORD_BYTES = 1 << 20;

export interface RunSink {
  /** The header record, once, before any run; returns the discimus_id position. */
  header(fields: string[], raw: Buffer): number;
  /**
   * One pupil's adjacent records: their bytes (line breaks included; a view
   * of a chunk that is never written to again), the id, and each record's
   * first line.
   */
  run(bytes: Buffer, id: string, lines: readonly number[]): void;
}

export class DumpScanner {
  /** Data records seen (the header and blank lines not counted). */
  records = 0;
  /** The last byte pushed: a dump must end with a line break. */
  lastByte = -1;

  private carry = Buffer.alloc(0);
  /** Where scanning resumes in carry + next chunk. */
  private resume = 0;
  private line = 1;
  private started = false;
  private idAt = -1;
  private readonly delimiter: number;

  private runId: string | null = null;
  private runStart = 0;
  private runEnd = 0;
  private readonly lines: number[] = [];

  constructor(
    delimiter: string,
    private readonly sink: RunSink,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.lastByte = chunk[chunk.length - 1] as number;
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (!this.started && buf.length < BOM.length) {
      this.carry = Buffer.from(buf); // too short to tell whether a byte-order mark starts it
      return;
    }
    let pos = this.resume;
    if (!this.started && pos === 0) pos = this.skipBom(buf);

    let nextQuote = buf.indexOf(QUOTE, pos);
    for (;;) {
      const lf = buf.indexOf(LF, pos);
      if (lf < 0) break;
      if (nextQuote >= 0 && nextQuote < pos) nextQuote = buf.indexOf(QUOTE, pos);

      if (nextQuote >= 0 && nextQuote < lf) {
        const end = quotedRecordEnd(buf, pos);
        if (end < 0) break;
        this.record(buf, pos, end, true);
        pos = end + 1;
      } else {
        this.record(buf, pos, lf, false);
        pos = lf + 1;
      }
    }

    // Keep the open run (its bytes must stay contiguous) and the partial record.
    const keep = this.runId === null ? pos : this.runStart;
    this.carry = Buffer.from(buf.subarray(keep));
    this.resume = pos - keep;
    this.runStart -= keep;
    this.runEnd -= keep;
    if (this.resume + MAX_RECORD_BYTES < this.carry.length) {
      const why = 'a quote left open, or a value far beyond any column limit';
      throw malformed(this.line, `a record runs on for more than 1 MiB (${why}?)`);
    }
  }

  /** After the last chunk: the last run is complete now. */
  end(): void {
    if (this.carry.length > this.resume) {
      const rest = this.carry.subarray(this.resume);
      if (rest.includes(QUOTE)) throw malformed(this.line, 'a quoted value is never closed');
    }
    this.closeRun(this.carry);
    if (!this.started) throw new LeerIdError('dump.empty', 'the dump holds no header');
  }

  private skipBom(buf: Buffer): number {
    return BOM.every((byte, i) => buf[i] === byte) ? 3 : 0;
  }

  /** One record: bytes start..end, `end` being its line feed. */
  private record(buf: Buffer, start: number, end: number, quoted: boolean): void {
    const line = this.line;
    this.line += 1 + (quoted ? countLineFeeds(buf, start, end) : 0);

    const stop = end > start && buf[end - 1] === CR ? end - 1 : end;
    if (stop === start) {
      // A blank line ends a run: a pupil continued after it counts as split.
      this.closeRun(buf);
      return;
    }
    if (!this.started) {
      this.started = true;
      const raw = buf.subarray(start, stop);
      this.idAt = this.sink.header(parseCsv(raw, this.delimiterChar, line)[0] ?? [], raw);
      return;
    }

    this.records++;
    const id = quoted ? this.quotedId(buf, start, stop, line) : this.plainId(buf, start, stop);
    if (id !== this.runId) {
      this.closeRun(buf);
      this.runId = id;
      this.runStart = start;
    }
    this.lines.push(line);
    this.runEnd = end + 1;
  }

  private closeRun(buf: Buffer): void {
    if (this.runId === null) return;
    this.sink.run(buf.subarray(this.runStart, this.runEnd), this.runId, this.lines);
    this.runId = null;
    this.lines.length = 0;
  }

  /** The id field of a record without quotes: between two delimiters, spaces trimmed. */
  private plainId(buf: Buffer, start: number, stop: number): string {
    let from = start;
    for (let k = 0; k < this.idAt; k++) {
      const at = buf.indexOf(this.delimiter, from);
      if (at < 0 || at >= stop) return '';
      from = at + 1;
    }
    let to = buf.indexOf(this.delimiter, from);
    if (to < 0 || to > stop) to = stop;
    while (from < to && isBlank(buf[from] as number)) from++;
    while (to > from && isBlank(buf[to - 1] as number)) to--;
    return buf.toString('latin1', from, to);
  }

  private quotedId(buf: Buffer, start: number, stop: number, line: number): string {
    const fields = parseCsv(buf.subarray(start, stop), this.delimiterChar, line)[0] ?? [];
    return (fields[this.idAt] ?? '').trim();
  }

  private get delimiterChar(): string {
    return String.fromCharCode(this.delimiter);
  }
}

/** The line feed that ends a record starting at `from`, outside quotes; -1 if none yet. */
function quotedRecordEnd(buf: Buffer, from: number): number {
  let quoted = false;
  for (let i = from; i < buf.length; i++) {
    const byte = buf[i];
    if (byte === QUOTE) quoted = !quoted;
    else if (byte === LF && !quoted) return i;
  }
  return -1;
}

function countLineFeeds(buf: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = buf.indexOf(LF, from); at >= 0 && at < to; at = buf.indexOf(LF, at + 1)) count++;
  return count;
}

function isBlank(byte: number): boolean {
  return byte === SPACE || byte === TAB;
}

function malformed(line: number, problem: string): LeerIdError {
  return new LeerIdError('dump.malformed', `line ${line}: ${problem}`);
}
