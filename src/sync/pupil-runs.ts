/**
 * Checks the rows of one pupil together while streaming. Exports list a
 * pupil's rows one after the other; when they do, duplicate enrolments and
 * disagreeing pupil fields are found here, exactly, and the first row of each
 * pupil is flagged, so the database needs no grouping pass over all rows.
 *
 * Whether the dump is grouped is proven, not assumed: a Bloom filter holds
 * every pupil whose rows have ended. A Bloom filter never misses, so a pupil
 * seen again is always caught; a rare false alarm only sends the run down
 * the slower, set-based path (src/sync/row-checks.ts). Either way is exact.
 */
import type { FaultList } from './row-faults.js';
import type { StagedRow } from './validate-row.js';

/** 64 bits and 12 probes per pupil: a false alarm about once in 1,500 nights. */
const BITS_PER_PUPIL = 64;
const HASHES = 12;

export class PupilRuns {
  private run: StagedRow[] = [];
  private readonly seen: BloomFilter;
  /** False once a pupil's rows turn out not to be adjacent. */
  grouped = true;

  constructor(
    expectedPupils: number,
    private readonly today: string,
    private readonly faults: FaultList,
    private readonly emit: (row: StagedRow) => void,
  ) {
    this.seen = new BloomFilter(Math.max(1024, expectedPupils) * BITS_PER_PUPIL, HASHES);
  }

  push(row: StagedRow): void {
    const first = this.run[0];
    if (first && first.discimusId !== row.discimusId) this.close();
    this.run.push(row);
  }

  /** Call after the last row. */
  finish(): void {
    if (this.run.length) this.close();
  }

  private close(): void {
    const run = this.run;
    const first = run[0] as StagedRow;
    this.run = [];

    if (this.grouped && this.seen.mightHave(first.discimusId)) this.grouped = false;
    this.seen.add(first.discimusId);
    if (this.grouped) this.checkRun(run);

    first.pupilFirst = 1;
    for (const row of run) {
      if (isCurrent(row, this.today)) first.pupilHasCurrent = 1;
      this.emit(row);
    }
  }

  private checkRun(run: StagedRow[]): void {
    const first = run[0] as StagedRow;
    const keys = new Map<string, number>();
    for (const row of run) {
      const key = `${row.institutionNumber}|${row.locationNumber}|${row.startDate}`;
      const earlier = keys.get(key);
      if (earlier !== undefined) {
        this.faults.add({ line: row.line, code: 'row.duplicate_enrolment', otherLine: earlier });
      } else {
        keys.set(key, row.line);
      }
      if (row.pupilHash !== first.pupilHash) {
        this.faults.add({ line: row.line, code: 'row.pupil_conflict', otherLine: first.line });
      }
    }
  }
}

function isCurrent(row: StagedRow, today: string): boolean {
  return row.startDate <= today && (row.endDate === null || row.endDate >= today);
}

/** A plain Bloom filter over strings: double hashing of two FNV-1a variants. */
class BloomFilter {
  private readonly bits: Int32Array;
  private readonly mask: number;

  constructor(
    bits: number,
    private readonly hashes: number,
  ) {
    // A power of two, so a probe is a mask, not a division.
    const size = 2 ** Math.max(10, Math.ceil(Math.log2(bits)));
    this.bits = new Int32Array(size / 32);
    this.mask = size - 1;
  }

  add(value: string): void {
    const [a, b] = hashPair(value);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (a + Math.imul(i, b)) & this.mask;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mightHave(value: string): boolean {
    const [a, b] = hashPair(value);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (a + Math.imul(i, b)) & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

function hashPair(value: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  // An odd step visits distinct bits of a power-of-two table.
  return [a | 0, b | 1];
}
