/**
 * Plausibility guards: a dump that would end too many active enrolments, or
 * that is much smaller than the last applied one, is refused unless forced.
 * A cut-off or half-written dump looks exactly like that.
 */
import { LeerIdError } from '../errors/index.js';

export interface GuardInput {
  activeBefore: number;
  enrolmentsEnded: number;
  rows: number;
  /** Rows of the last applied run; null when there was none. */
  previousRows: number | null;
  maxEndedShare: number;
  minSizeRatio: number;
}

export interface GuardVerdict {
  endedShare: number;
  sizeRatio: number | null;
  problems: string[];
}

export function evaluateGuards(input: GuardInput): GuardVerdict {
  const endedShare = input.activeBefore > 0 ? input.enrolmentsEnded / input.activeBefore : 0;
  const sizeRatio = input.previousRows ? input.rows / input.previousRows : null;
  const problems: string[] = [];

  if (endedShare > input.maxEndedShare) {
    const [share, limit] = percents(endedShare, input.maxEndedShare);
    problems.push(
      `it would end ${input.enrolmentsEnded} of ${input.activeBefore} active enrolments ` +
        `(${share}, more than the allowed ${limit})`,
    );
  }
  if (sizeRatio !== null && sizeRatio < input.minSizeRatio) {
    const [ratio, limit] = percents(sizeRatio, input.minSizeRatio);
    problems.push(
      `it has ${input.rows} rows, ${ratio} of the last applied dump's ` +
        `${input.previousRows} (at least ${limit} expected)`,
    );
  }
  return { endedShare, sizeRatio, problems };
}

export function assertPlausible(verdict: GuardVerdict, force: boolean): void {
  if (force || verdict.problems.length === 0) return;
  throw new LeerIdError(
    'sync.implausible',
    `dump refused: ${verdict.problems.join('; ')}. Check the dump; if it is right, ` +
      'run again with --force.',
  );
}

/** Both as percentages, with as many decimals (up to 4) as it takes to tell them apart. */
function percents(value: number, limit: number): [string, string] {
  let digits = 1;
  while (digits < 4 && (value * 100).toFixed(digits) === (limit * 100).toFixed(digits)) digits++;
  return [`${(value * 100).toFixed(digits)}%`, `${(limit * 100).toFixed(digits)}%`];
}
