/**
 * Pupil runs waiting to be parsed, and how they are parsed. The triage
 * gathers a batch per step of the file; the batch is parsed where the
 * triage runs or, flattened into transferable arrays (RunBatchData), in a
 * worker thread (first-import-worker.ts).
 */
import { toRecords, type DumpRecord, type DumpShape } from './dump-reader.js';
import { checkPupilRun } from './pupil-checks.js';
import type { FaultList } from './row-faults.js';
import { validateRow, type RowRules, type StagedRow } from './validate-row.js';

/** A batch as plain arrays: the bytes and numbers can move to a thread without copying. */
export interface RunBatchData {
  runs: number;
  bytes: Uint8Array;
  /** Where each run starts in `bytes`. */
  starts: Int32Array;
  /** The line number of every row, run after run. */
  lines: Int32Array;
  /** Rows per run. */
  sizes: Int32Array;
  /** Each run's Discimus id as the scanner cut it. */
  ids: string[];
  /** Each run's dump hash, or null when the dump is not (yet) proven grouped. */
  hashes: (string | null)[];
}

/**
 * Runs as they come. The scanner's bytes stay untouched until the next
 * drain, so runs are kept as views, adjacent ones merged, and copied once
 * when the batch is handed on.
 */
export class RunBatch {
  runs = 0;
  private readonly parts: Buffer[] = [];
  private readonly starts: number[] = [];
  private length = 0;
  private readonly lines: number[] = [];
  private readonly sizes: number[] = [];
  private readonly ids: string[] = [];
  private readonly hashes: (string | null)[] = [];

  add(bytes: Buffer, id: string, lines: readonly number[], runHash: string | null): void {
    const last = this.parts[this.parts.length - 1];
    if (
      last &&
      last.buffer === bytes.buffer &&
      last.byteOffset + last.length === bytes.byteOffset
    ) {
      this.parts[this.parts.length - 1] = Buffer.from(
        last.buffer,
        last.byteOffset,
        last.length + bytes.length,
      );
    } else {
      this.parts.push(bytes);
    }
    this.starts.push(this.length);
    this.length += bytes.length;
    for (const line of lines) this.lines.push(line);
    this.sizes.push(lines.length);
    this.ids.push(id);
    this.hashes.push(runHash);
    this.runs++;
  }

  /** The batch in arrays of its own (the bytes copied out of the scanner's). */
  data(): RunBatchData {
    const bytes = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      bytes.set(part, at);
      at += part.length;
    }
    return {
      runs: this.runs,
      bytes,
      starts: Int32Array.from(this.starts),
      lines: Int32Array.from(this.lines),
      sizes: Int32Array.from(this.sizes),
      ids: this.ids,
      hashes: this.hashes,
    };
  }
}

/** What parsing a batch reports to. */
export interface ParsedRuns {
  faults: FaultList;
  /** Faults found per pupil: they count only if the dump proves grouped. */
  runFaults: FaultList;
  push(row: StagedRow): void;
  /** A run whose rows' parsed id is not the scanner's: the runs cannot be trusted. */
  idsDisagree(): void;
}

/** Parses, checks and hands on every row of the batch, pupil by pupil. */
export function parseRuns(
  batch: RunBatchData,
  shape: DumpShape,
  rules: RowRules,
  out: ParsedRuns,
): void {
  const records = recordsOf(batch, shape);
  let next = 0;

  for (let i = 0; i < batch.runs; i++) {
    const rows: StagedRow[] = [];
    for (let k = 0; k < (batch.sizes[i] as number); k++) {
      const row = validateRow(records[next++]!, rules, out.faults);
      if (row) rows.push(row);
    }
    // The scanner trims only spaces and tabs around an id, the parser all
    // white space: where they differ, the runs are not pupils.
    const id = batch.ids[i] as string;
    if (!rows.every((row) => row.discimusId === id)) out.idsDisagree();
    checkPupilRun(rows, batch.hashes[i] ?? null, rules.today, out.runFaults);
    for (const row of rows) out.push(row);
  }
}

/** All records of the batch; a run with a quote is parsed on its own. */
function recordsOf(batch: RunBatchData, shape: DumpShape): DumpRecord[] {
  const bytes = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.length);
  if (bytes.indexOf(0x22) < 0) return toRecords(shape, bytes, batch.lines);

  const records: DumpRecord[] = [];
  let line = 0;
  for (let i = 0; i < batch.runs; i++) {
    const end = i + 1 < batch.runs ? (batch.starts[i + 1] as number) : bytes.length;
    const lines = batch.lines.subarray(line, line + (batch.sizes[i] as number));
    records.push(...toRecords(shape, bytes.subarray(batch.starts[i], end), lines));
    line += lines.length;
  }
  return records;
}
