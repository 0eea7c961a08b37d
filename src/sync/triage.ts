/**
 * Sorts the pupil runs of a dump as they stream by. A pupil whose bytes hash
 * as they did when the store last took them is only marked present. Every
 * other run is parsed, checked row by row and as a pupil, and staged. On a
 * usual night that leaves about 2% of the dump to parse.
 *
 * Skipping relies on the dump listing each pupil's rows together; a dump that
 * turns out not to (UngroupedDump) must be read again with nothing skipped.
 */
import type { DumpShape, DumpSink } from './dump-reader.js';
import type { RunProof } from './grouping.js';
import { FaultList } from './row-faults.js';
import { parseRuns, RunBatch, type RunBatchData } from './run-batch.js';
import { RunDigest, Visit, type StoredPupils } from './stored-pupils.js';
import type { RowRules, StagedRow } from './validate-row.js';

/** Where validated rows go: the staging table or the first-import writer. */
export interface RowWriter {
  push(row: StagedRow): void;
  /** A promise means "wait before pushing more". */
  flush(): void | Promise<void>;
}

/**
 * Takes whole batches and parses them elsewhere (a worker thread): its
 * faults come back with its result, not through the triage. A run whose
 * parsed ids are not the scanner's fails it with UngroupedDump.
 */
export interface BatchTaker {
  take(batch: RunBatchData, shape: DumpShape): void | Promise<void>;
  /** Resolves once every batch is parsed, with what parsing found. */
  parsed(): Promise<ParseFindings>;
}

/** What parsing found besides the rows. */
export interface ParseFindings {
  faults: FaultList;
  runFaults: FaultList;
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
    private readonly writer: RowWriter | BatchTaker,
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

  /** Batches parsed elsewhere: their faults and id check join the triage's. */
  async end(): Promise<void> {
    if (!('take' in this.writer)) return;
    const found = await this.writer.parsed();
    this.faults.addAll(found.faults);
    this.runFaults.addAll(found.runFaults);
  }

  drain(): void | Promise<void> {
    if ('take' in this.writer) {
      if (this.batch.runs === 0) return;
      const batch = this.batch;
      this.batch = new RunBatch();
      this.pupilsParsed += batch.runs;
      this.afterBatch();
      return this.writer.take(batch.data(), this.shape as DumpShape);
    }
    if (this.batch.runs > 0) this.parseBatch(this.writer);
    return this.writer.flush();
  }

  private parseBatch(writer: RowWriter): void {
    const batch = this.batch;
    this.batch = new RunBatch();
    parseRuns(batch.data(), this.shape as DumpShape, this.rules, {
      faults: this.faults,
      runFaults: this.runFaults,
      push: (row) => writer.push(row),
      idsDisagree: () => {
        this.idsAgree = false;
        if (this.failFast) throw new UngroupedDump();
      },
    });
    this.pupilsParsed += batch.runs;
    this.afterBatch();
  }
}
