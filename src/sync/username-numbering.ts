/**
 * Usernames numbered while a first import reads the dump. The rule (as in
 * accounts.ts) numbers the pupils of one base in Discimus id order, after
 * what username_counters already holds. A dump listing its pupils in that
 * order lets each name be made as its pupil passes, so the accounts load
 * with the pupils instead of in a set-based insert afterwards.
 *
 * Once an id arrives out of order the numbering so far may be wrong:
 * `inOrder` turns false for good and the caller makes the accounts the
 * set-based way instead.
 */
import { numberedUsername } from '../accounts/usernames.js';

export class DumpOrderNumbering {
  inOrder = true;
  private lastId: string | null = null;

  /** `taken`: username_counters as stored, base -> numbers given. */
  constructor(private readonly taken: Map<string, number>) {}

  /** The pupil's username, or null once the dump has left Discimus id order. */
  next(discimusId: string, base: string): string | null {
    if (!this.inOrder) return null;
    if (this.lastId !== null && byteOrder(discimusId, this.lastId) <= 0) {
      this.inOrder = false;
      return null;
    }
    this.lastId = discimusId;

    const n = (this.taken.get(base) ?? 0) + 1;
    this.taken.set(base, n);
    return numberedUsername(base, n);
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Compares as UTF-8 bytes ("C" collation, SQLite BINARY); UTF-16 differs only past U+FFFF. */
export function byteOrder(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}
