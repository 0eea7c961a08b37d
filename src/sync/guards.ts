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
    problems.push(
      `it would end ${input.enrolmentsEnded} of ${input.activeBefore} active enrolments ` +
        `(${percent(endedShare)}, more than the allowed ${percent(input.maxEndedShare)})`,
    );
  }
  if (sizeRatio !== null && sizeRatio < input.minSizeRatio) {
    problems.push(
      `it has ${input.rows} rows, ${percent(sizeRatio)} of the last applied dump's ` +
        `${input.previousRows} (at least ${percent(input.minSizeRatio)} expected)`,
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

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
