/**
 * Row faults that only show across rows, found with set queries on the
 * staging table: two rows for the same enrolment, and rows of one pupil that
 * disagree on the pupil's own fields.
 */
import type { FaultList } from './row-faults.js';
import type { SyncSession } from './session.js';

interface LinePair {
  first_line: number;
  other_line: number;
}

export async function findDuplicateEnrolments(
  session: SyncSession,
  faults: FaultList,
): Promise<void> {
  const pairs = await session.all<LinePair>(
    `SELECT min(line) AS first_line, max(line) AS other_line, count(*) AS n
       FROM stage_rows
      GROUP BY discimus_id, institution_number, location_number, start_date
     HAVING count(*) > 1`,
  );
  for (const pair of pairs) {
    faults.add({
      line: pair.other_line,
      code: 'row.duplicate_enrolment',
      otherLine: pair.first_line,
    });
  }
}

/** Needs stage_pupils, which records the smallest and largest hash per pupil. */
export async function findPupilConflicts(session: SyncSession, faults: FaultList): Promise<void> {
  const pairs = await session.all<LinePair>(
    `SELECT sp.line AS first_line, min(s.line) AS other_line
       FROM stage_pupils sp
       JOIN stage_rows first ON first.discimus_id = sp.discimus_id AND first.line = sp.line
       JOIN stage_rows s ON s.discimus_id = sp.discimus_id AND s.pupil_hash <> first.pupil_hash
      WHERE sp.pupil_hash <> sp.pupil_hash_max
      GROUP BY sp.line`,
  );
  for (const pair of pairs) {
    faults.add({ line: pair.other_line, code: 'row.pupil_conflict', otherLine: pair.first_line });
  }
}
