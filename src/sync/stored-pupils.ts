/**
 * The pupils present in the store, each with the hash of the bytes that
 * described it in the last applied dump, held in memory for one run. A run
 * whose bytes hash the same needs no parsing, checking or staging; the
 * pupils not skipped that way are, if the staging does not name them
 * either, the ones gone from the dump.
 *
 * 1.2 million pupils fit in about 50 MB: typed arrays and one open-addressing
 * table keyed by a 64-bit hash of the id, rather than a Map of strings. Two
 * ids with the same key cannot cause a wrong skip: a skip needs the run's
 * bytes, which hold the id, to hash as stored.
 *
 * A pupil without an account has no dump_hash (see apply.ts), so it is
 * always staged: an enrolment that starts today makes its account even when
 * the dump still says what it said yesterday.
 */
import { hash } from 'node:crypto';
import { hashId, hashIdBytes } from './id-hash.js';
import type { SyncSession } from './session.js';

const QUERY = `SELECT discimus_id, coalesce(dump_hash, '') FROM pupils WHERE missing_since IS NULL`;

/** dump_hash = the dump shape's fingerprint (5 characters) + the run's digest (11). */
export const SHAPE_CHARS = 5;
const DUMP_HASH_CHARS = 16;

/** What the triage learns of one run's id. */
export const enum Visit {
  /** Not in the store: new, or back after being gone. */
  Unknown,
  /** Stored, first run of the night. */
  First,
  /** Stored, and a run of it came by earlier tonight: the dump is not grouped. */
  Again,
}

/** Per pupil, side by side (one cache line): key high, key low, digest high, digest low. */
const FIELDS = 4;
const SEEN = 1;
const SKIPPED = 2;

export class StoredPupils {
  size = 0;
  private ids = new Growing(Uint8Array, 1 << 22);
  private idEnds = new Growing(Uint32Array, 1 << 20);
  private fields = new Growing(Int32Array, 1 << 22);
  /** 0: no usable hash; otherwise which dump shape the hash was made under. */
  private shapes = new Growing(Uint8Array, 1 << 20);
  private readonly shapeIds = new Map<string, number>();
  private shape = -1;

  private slots = new Int32Array(0);
  private mask = 0;
  private marks = new Uint8Array(0);
  /** The pupil of the last First visit: `skip` needs no second lookup. */
  private last = -1;

  /** One row of the store: the id and the dump_hash as bytes (ASCII). */
  add(bytes: Buffer, idFrom: number, idTo: number, hashFrom: number, hashTo: number): void {
    this.ids.append(bytes, idFrom, idTo);
    this.idEnds.push(this.ids.length);
    hashIdBytes(bytes, idFrom, idTo, key);
    const usable = hashTo - hashFrom === DUMP_HASH_CHARS && decodeDigest(bytes, hashFrom);
    const shape = usable ? bytes.toString('latin1', hashFrom, hashFrom + SHAPE_CHARS) : '';

    this.fields.push4(key[0]!, key[1]!, usable ? digest[0]! : 0, usable ? digest[1]! : 0);
    this.shapes.push(usable ? this.shapeId(shape) : 0);
    this.size++;
  }

  /** Call once after the last `add`. */
  seal(): void {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, this.size * 1.6)));
    // Slot pairs (key low, pupil): most probes end in the slot table itself.
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity - 1;
    const fields = this.fields.array;
    for (let i = 0; i < this.size; i++) {
      const lo = fields[i * FIELDS + 1] as number;
      let slot = lo & this.mask;
      while (this.slots[slot * 2 + 1] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot * 2] = lo;
      this.slots[slot * 2 + 1] = i;
    }
    this.marks = new Uint8Array(this.size);
  }

  /** The fingerprint of tonight's dump shape: hashes made under another never match. */
  useShape(fingerprint: string): void {
    this.shape = this.shapeIds.get(fingerprint) ?? -1;
  }

  /** Notes a run of `id`; see Visit. */
  visit(id: string): Visit {
    hashId(id, key);
    const hi = key[0];
    const lo = key[1] as number;
    const { slots, fields } = { slots: this.slots, fields: this.fields.array };
    this.last = -1;

    for (let slot = lo & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slots[slot * 2 + 1] as number;
      if (at === -1) return Visit.Unknown;
      if (slots[slot * 2] !== lo || fields[at * FIELDS] !== hi) continue;
      if (this.marks[at]! & SEEN) return Visit.Again;
      this.marks[at]! |= SEEN;
      this.last = at;
      return Visit.First;
    }
  }

  /**
   * After a First visit: whether the run's digest and tonight's shape are the
   * stored ones; if so the pupil counts as skipped.
   */
  skip(digest: RunDigest): boolean {
    const at = this.last;
    if (at < 0 || this.shapes.array[at] !== this.shape) return false;
    const fields = this.fields.array;
    if (fields[at * FIELDS + 2] !== digest.hi || fields[at * FIELDS + 3] !== digest.lo) {
      return false;
    }
    this.marks[at]! |= SKIPPED;
    return true;
  }

  /** Present pupils not skipped: gone, unless the staging holds them. */
  notSkipped(): string[] {
    const ids: string[] = [];
    const bytes = Buffer.from(this.ids.array.buffer, 0, this.ids.length);
    const ends = this.idEnds.array;
    for (let i = 0; i < this.size; i++) {
      if (this.marks[i]! & SKIPPED) continue;
      ids.push(bytes.toString('latin1', i ? ends[i - 1] : 0, ends[i]));
    }
    return ids;
  }

  private shapeId(shape: string): number {
    let id = this.shapeIds.get(shape);
    if (id === undefined) {
      id = this.shapeIds.size + 1;
      if (id > 255) return 0;
      this.shapeIds.set(shape, id);
    }
    return id;
  }
}

/**
 * A run's digest: 64 bits of its SHA-1, as two numbers and as the 11
 * base64 characters stored after the shape. SHA-1 is the fastest digest
 * built into Node here (hardware instructions); change detection only.
 */
export class RunDigest {
  hi = 0;
  lo = 0;

  of(bytes: Buffer): this {
    const text = hash('sha1', bytes, 'binary');
    this.hi = int32Of(text, 0);
    this.lo = int32Of(text, 4);
    return this;
  }

  text(): string {
    scratch.writeInt32LE(this.hi, 0);
    scratch.writeInt32LE(this.lo, 4);
    return scratch.toString('base64').slice(0, 11);
  }
}

function int32Of(text: string, from: number): number {
  return (
    text.charCodeAt(from) |
    (text.charCodeAt(from + 1) << 8) |
    (text.charCodeAt(from + 2) << 16) |
    (text.charCodeAt(from + 3) << 24)
  );
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_VALUE[BASE64.charCodeAt(i)] = i;
const scratch = Buffer.alloc(9);
const digest = new Int32Array(2);

/** The 8 digest bytes of a stored dump_hash into `digest`, without allocating. */
function decodeDigest(bytes: Buffer, hashFrom: number): boolean {
  let bits = 0;
  let acc = 0;
  let out = 0;
  for (let i = hashFrom + SHAPE_CHARS; out < 8; i++) {
    const value = BASE64_VALUE[bytes[i]! & 127] as number;
    if (value < 0) return false;
    acc = ((acc << 6) | value) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      scratch[out++] = (acc >> bits) & 0xff;
    }
  }
  digest[0] = scratch.readInt32LE(0);
  digest[1] = scratch.readInt32LE(4);
  return true;
}

const key = new Int32Array(2);

type TypedArray = Uint8Array | Uint32Array | Int32Array;

/** A typed array that doubles when full. */
class Growing<T extends TypedArray> {
  array: T;
  length = 0;

  constructor(
    private readonly Kind: { new (size: number): T },
    initial: number,
  ) {
    this.array = new Kind(initial);
  }

  push(value: number): void {
    if (this.length === this.array.length) this.grow(this.length + 1);
    this.array[this.length++] = value;
  }

  push4(a: number, b: number, c: number, d: number): void {
    if (this.length + 4 > this.array.length) this.grow(this.length + 4);
    const array = this.array;
    array[this.length] = a;
    array[this.length + 1] = b;
    array[this.length + 2] = c;
    array[this.length + 3] = d;
    this.length += 4;
  }

  append(bytes: Buffer, from: number, to: number): void {
    if (this.length + to - from > this.array.length) this.grow(this.length + to - from);
    bytes.copy(this.array as Uint8Array, this.length, from, to);
    this.length += to - from;
  }

  private grow(atLeast: number): void {
    const next = new this.Kind(Math.max(atLeast, this.array.length * 2));
    next.set(this.array);
    this.array = next;
  }
}

export async function loadStoredPupils(session: SyncSession): Promise<StoredPupils> {
  const stored = new StoredPupils();

  if (session.dialect === 'sqlite') {
    const rows = session.sqlite().prepare(QUERY).raw().iterate() as Iterable<[string, string]>;
    for (const [id, dumpHash] of rows) {
      const bytes = Buffer.from(`${id}\t${dumpHash}`, 'latin1');
      stored.add(bytes, 0, id.length, id.length + 1, bytes.length);
    }
  } else {
    // COPY text: ids and hashes are ASCII without tab, backslash or line break.
    let rest = Buffer.alloc(0);
    for await (const chunk of session.copyOut(`COPY (${QUERY}) TO STDOUT`)) {
      const bytes = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let from = 0;
      for (let lf = bytes.indexOf(10); lf >= 0; lf = bytes.indexOf(10, from)) {
        const tab = bytes.indexOf(9, from);
        stored.add(bytes, from, tab, tab + 1, lf);
        from = lf + 1;
      }
      rest = Buffer.from(bytes.subarray(from));
    }
  }

  stored.seal();
  return stored;
}
