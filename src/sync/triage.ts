/**
 * Sorts the pupil runs of a dump as they stream by. A pupil whose bytes hash
 * as they did when the store last took them is only marked present. Every
 * other run is parsed, checked row by row and as a pupil, and staged. On a
 * usual night that leaves about 2% of the dump to parse.
 *
 * Skipping relies on the dump listing each pupil's rows together; a dump that
 * turns out not to (UngroupedDump) must be read again with nothing skipped.
 */
import { toRecords, type DumpRecord, type DumpShape, type DumpSink } from './dump-reader.js';
import type { RunProof } from './grouping.js';
import { checkPupilRun } from './pupil-checks.js';
import { FaultList } from './row-faults.js';
import { RunDigest, Visit, type StoredPupils } from './stored-pupils.js';
import { validateRow, type RowRules, type StagedRow } from './validate-row.js';

/** Where validated rows go: the staging table or the first-import writer. */
export interface RowWriter {
  push(row: StagedRow): void;
  /** A promise means "wait before pushing more". */
  flush(): void | Promise<void>;
}

export class UngroupedDump extends Error {
  constructor() {
    super('the dump does not list each pupil’s rows together');
  }
}

export class DumpTriage implements DumpSink {
  readonly faults = new FaultList();
  /** Faults found per pupil: they count only if the dump proves grouped. */
  readonly runFaults = new FaultList();
  rows = 0;
  pupilsSkipped = 0;
  pupilsParsed = 0;

  private shape: DumpShape | undefined;
  private batch = new RunBatch();
  private idsAgree = true;
  private readonly digest = new RunDigest();

  /**
   * `stored` null: nothing is skipped (a first import, or a dump read again).
   * `failFast`: an ungrouped dump throws UngroupedDump at once, as it always
   * does when pupils may be skipped; otherwise the set-based checks follow.
   */
  constructor(
    private readonly stored: StoredPupils | null,
    private readonly rules: RowRules,
    private readonly writer: RowWriter,
    private readonly proof: RunProof,
    private readonly afterBatch: () => void = () => {},
    private readonly failFast = stored !== null,
  ) {}

  /** True when every pupil's rows were adjacent: the per-pupil checks then hold. */
  get grouped(): boolean {
    return this.proof.grouped && this.idsAgree;
  }

  begin(shape: DumpShape): void {
    this.shape = shape;
    this.stored?.useShape(shape.fingerprint);
  }

  run(bytes: Buffer, id: string, lines: readonly number[]): void {
    this.rows += lines.length;
    // Stored pupils are known exactly; only new ids need the Bloom filter.
    const visit = this.stored ? this.stored.visit(id) : Visit.Unknown;
    if (visit === Visit.Again) this.proof.split();
    else if (visit === Visit.Unknown) this.proof.runOf(id);
    if (!this.proof.grouped && this.failFast) throw new UngroupedDump();

    const digest = this.grouped ? this.digest.of(bytes) : null;
    if (digest && visit === Visit.First && this.stored?.skip(digest)) {
      this.pupilsSkipped++;
      return;
    }
    const runHash = digest ? (this.shape as DumpShape).fingerprint + digest.text() : null;
    this.batch.add(bytes, id, lines, runHash);
  }

  drain(): void | Promise<void> {
    if (this.batch.runs > 0) this.parseBatch();
    return this.writer.flush();
  }

  private parseBatch(): void {
    const batch = this.batch;
    this.batch = new RunBatch();
    const records = batch.records(this.shape as DumpShape);
    let next = 0;

    for (let i = 0; i < batch.runs; i++) {
      const rows: StagedRow[] = [];
      for (let k = 0; k < (batch.sizes[i] as number); k++) {
        const row = validateRow(records[next++]!, this.rules, this.faults);
        if (row) rows.push(row);
      }
      this.checkIds(rows, batch.ids[i] as string);
      checkPupilRun(rows, batch.hashes[i] ?? null, this.rules.today, this.runFaults);
      for (const row of rows) this.writer.push(row);
    }
    this.pupilsParsed += batch.runs;
    this.afterBatch();
  }

  /**
   * The scanner trims only spaces and tabs around an id, the parser all white
   * space: where they differ, the runs cannot be trusted to be pupils.
   */
  private checkIds(rows: StagedRow[], id: string): void {
    if (rows.every((row) => row.discimusId === id)) return;
    this.idsAgree = false;
    if (this.failFast) throw new UngroupedDump();
  }
}

/**
 * Runs waiting to be parsed. The scanner's bytes stay untouched until the
 * next drain, so runs are kept as views, adjacent ones merged, and copied
 * once when the batch is parsed.
 */
class RunBatch {
  runs = 0;
  private readonly parts: Buffer[] = [];
  /** Where each run starts in the batch's bytes. */
  private readonly starts: number[] = [];
  private length = 0;
  readonly lines: number[] = [];
  readonly sizes: number[] = [];
  readonly ids: string[] = [];
  readonly hashes: (string | null)[] = [];

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

  /** All records of the batch; a run with a quote is parsed on its own. */
  records(shape: DumpShape): DumpRecord[] {
    const bytes = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    if (bytes.indexOf(0x22) < 0) return toRecords(shape, bytes, this.lines);

    const records: DumpRecord[] = [];
    let line = 0;
    for (let i = 0; i < this.runs; i++) {
      const end = i + 1 < this.runs ? (this.starts[i + 1] as number) : bytes.length;
      const lines = this.lines.slice(line, line + (this.sizes[i] as number));
      records.push(...toRecords(shape, bytes.subarray(this.starts[i], end), lines));
      line += lines.length;
    }
    return records;
  }
}
