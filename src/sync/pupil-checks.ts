/**
 * Checks the rows of one pupil together: a pupil's adjacent rows in the dump
 * (a run) must not repeat an enrolment and must agree on the pupil's own
 * fields. Also flags the first row of the pupil, which carries what the
 * database needs per pupil, so it needs no grouping pass over all rows.
 * Only exact when the dump proves grouped (see grouping.ts).
 */
import type { FaultList } from './row-faults.js';
import type { StagedRow } from './validate-row.js';

/**
 * `runHash`: the hash of the run's bytes, stored as the pupil's dump_hash.
 * Faults go to `faults`; the rows are flagged in place.
 */
export function checkPupilRun(
  run: StagedRow[],
  runHash: string | null,
  today: string,
  faults: FaultList,
): void {
  const first = run[0];
  if (!first) return;
  const keys = new Map<string, number>();

  for (const row of run) {
    const key = `${row.institutionNumber}|${row.locationNumber}|${row.startDate}`;
    const earlier = keys.get(key);
    if (earlier !== undefined) {
      faults.add({ line: row.line, code: 'row.duplicate_enrolment', otherLine: earlier });
    } else {
      keys.set(key, row.line);
    }
    if (row.pupilHash !== first.pupilHash) {
      faults.add({ line: row.line, code: 'row.pupil_conflict', otherLine: first.line });
    }
    if (isCurrent(row, today)) first.pupilHasCurrent = 1;
  }

  first.pupilFirst = 1;
  first.runHash = runHash;
}

function isCurrent(row: StagedRow, today: string): boolean {
  return row.startDate <= today && (row.endDate === null || row.endDate >= today);
}
