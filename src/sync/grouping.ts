/**
 * Proves, while streaming, that a dump lists each pupil's rows together.
 * GroupingProof: a Bloom filter holds every pupil whose run has ended. A
 * Bloom filter never misses, so a pupil seen again is always caught; a rare
 * false alarm only sends the run down the slower, set-based path
 * (src/sync/row-checks.ts). Either way is exact. AscendingIds: ids that only
 * ever rise cannot come back, with nothing to remember but the last one.
 */

import { hashId } from './id-hash.js';

/** What the triage asks of a proof. */
export interface RunProof {
  /** False once a pupil may have come back; it stays false. */
  readonly grouped: boolean;
  /** Call once per run of adjacent rows. */
  runOf(id: string): void;
  /** Known from elsewhere (an exact record of stored pupils): a pupil came back. */
  split(): void;
}

/**
 * For a dump in Discimus id order (byte order; a first import needs it):
 * grouped while each run's id is greater than the one before. An id out of
 * order ends the proof, whether or not that pupil came back.
 */
export class AscendingIds implements RunProof {
  grouped = true;
  private last: string | null = null;

  runOf(id: string): void {
    // Any strict total order proves it; valid ids are ASCII, so this is also byte order.
    if (this.last !== null && id <= this.last) this.grouped = false;
    this.last = id;
  }

  split(): void {
    this.grouped = false;
  }
}

/** 64 bits and 12 probes per pupil: a false alarm about once in 1,500 nights. */
const BITS_PER_PUPIL = 64;
const HASHES = 12;

export class GroupingProof implements RunProof {
  private readonly seen: BloomFilter;
  /** False once a pupil's rows turn out not to be adjacent. */
  grouped = true;

  constructor(expectedPupils: number) {
    this.seen = new BloomFilter(Math.max(1024, expectedPupils) * BITS_PER_PUPIL, HASHES);
  }

  /** Call once per run of adjacent rows; returns whether the dump is still grouped. */
  runOf(id: string): boolean {
    if (this.grouped && this.seen.mightHave(id)) this.grouped = false;
    this.seen.add(id);
    return this.grouped;
  }

  /** Known from elsewhere (an exact record of stored pupils): a pupil came back. */
  split(): void {
    this.grouped = false;
  }
}

/**
 * A blocked Bloom filter over strings: all probes of one value fall in one
 * 64-byte block, one cache miss instead of one per probe.
 */
class BloomFilter {
  private readonly words: Int32Array;
  private readonly blockMask: number;

  constructor(
    bits: number,
    private readonly hashes: number,
  ) {
    const blocks = 2 ** Math.max(4, Math.ceil(Math.log2(bits / BLOCK_BITS)));
    this.words = new Int32Array(blocks * (BLOCK_BITS / 32));
    this.blockMask = blocks - 1;
  }

  add(value: string): void {
    const { base, seed } = this.locate(value);
    let x = seed;
    for (let i = 0; i < this.hashes; i++) {
      x = xorshift(x);
      const bit = x >>> 23;
      this.words[base + (bit >>> 5)]! |= 1 << (bit & 31);
    }
  }

  mightHave(value: string): boolean {
    const { base, seed } = this.locate(value);
    let x = seed;
    for (let i = 0; i < this.hashes; i++) {
      x = xorshift(x);
      const bit = x >>> 23;
      if ((this.words[base + (bit >>> 5)]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  private locate(value: string) {
    hashId(value, key);
    // Probes come from a small PRNG seeded by the second hash: independent
    // bits, where double hashing in so small a block overlaps too often.
    return { base: ((key[0] as number) & this.blockMask) * (BLOCK_BITS / 32), seed: key[1]! | 1 };
  }
}

const BLOCK_BITS = 512;
const key = new Int32Array(2);

/** xorshift32; the top 9 bits pick a bit in the 512-bit block. */
function xorshift(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  return (x ^ (x << 5)) >>> 0;
}
