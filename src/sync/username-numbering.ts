/**
 * Usernames numbered while a first import reads the dump. The rule (as in
 * accounts.ts) numbers the pupils of one base in Discimus id order, after
 * what username_counters already holds. A dump listing its pupils in that
 * order lets each name be made as its pupil passes, so the accounts load
 * with the pupils instead of in a set-based insert afterwards. The caller
 * proves the order (AscendingIds in grouping.ts); an id out of order here
 * is a bug.
 */
import { numberedUsername } from '../accounts/usernames.js';

export class DumpOrderNumbering {
  private lastId: string | null = null;

  /** `taken`: username_counters as stored, base -> numbers given. */
  constructor(private readonly taken: Map<string, number>) {}

  next(discimusId: string, base: string): string {
    // Valid ids are ASCII, so string order is byte order ("C" collation).
    if (this.lastId !== null && discimusId <= this.lastId) {
      throw new Error(`first import: pupil ${discimusId} out of Discimus id order`);
    }
    this.lastId = discimusId;

    const n = (this.taken.get(base) ?? 0) + 1;
    this.taken.set(base, n);
    return numberedUsername(base, n);
  }

  /** Every base with the numbers given so far, those stored before included. */
  counters(): ReadonlyMap<string, number> {
    return this.taken;
  }
}
