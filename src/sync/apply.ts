/**
 * Writes the diff to the store, set-based, in the run's transaction: new and
 * changed pupils, pupils gone from the dump, new and changed enrolments,
 * enrolments gone from the dump (ended the day before the run), schools and
 * their locations. Returns what only the writes can tell.
 */
import { addDays } from '../util/calendar.js';
import type { DiffCounts } from './diff.js';
import { countOf } from './sql.js';
import type { SyncSession } from './session.js';

export interface ApplyCounts {
  institutionsNew: number;
  locationsNew: number;
}

/** Statements with nothing to do (the diff counted zero) are skipped. */
export async function applyDiff(
  session: SyncSession,
  diff: DiffCounts,
  today: string,
  nowMs: number,
  grouped: boolean,
): Promise<ApplyCounts> {
  await writePupils(session, diff, nowMs, grouped);
  if (diff.pupilsGone) {
    await session.run(
      'UPDATE pupils SET missing_since = ? WHERE id IN (SELECT id FROM gone_pupils)',
      [nowMs],
    );
  }

  await writeEnrolments(session, diff, today, nowMs);
  if (!grouped) await dropStaleDumpHashes(session);
  const { institutionsNew, locationsNew } = await writeSchools(session);

  return { institutionsNew, locationsNew };
}

/**
 * Without a grouped dump there are no run hashes: a pupil whose enrolments
 * changed loses its old one, which no longer holds.
 */
async function dropStaleDumpHashes(session: SyncSession): Promise<void> {
  await session.run(
    `UPDATE pupils SET dump_hash = NULL
      WHERE dump_hash IS NOT NULL
        AND id IN (SELECT pupil_id FROM stage_enrolments
                    WHERE enrolment_id IS NULL OR old_hash <> enrolment_hash
                       OR old_missing IS NOT NULL
                   UNION ALL
                   SELECT e.pupil_id FROM enrolments e
                     JOIN gone_enrolments g ON g.id = e.id)`,
  );
}

/**
 * pupils.dump_hash, the run hash that lets the next night skip the pupil:
 * only for a pupil with an account (made below for any current enrolment),
 * so a pupil without one is always looked at and gets it on the right day.
 */
const DUMP_HASH = `CASE WHEN sp.has_current = 1
                          OR EXISTS (SELECT 1 FROM accounts a WHERE a.pupil_id = sp.pupil_id)
                        THEN sp.run_hash END`;

/**
 * New pupils, then one rewrite of each staged pupil that changed or, on a
 * grouped dump, was compared: fields, dump_hash, and the stamps only when
 * the pupil's own fields changed.
 */
async function writePupils(
  session: SyncSession,
  diff: DiffCounts,
  nowMs: number,
  grouped: boolean,
) {
  if (diff.pupilsNew) {
    await session.run(
      `INSERT INTO pupils (id, discimus_id, insz, given_name, family_name, gender, birth_date,
                         row_hash, dump_hash, created_at, updated_at, last_seen_at)
     SELECT pupil_id, discimus_id, insz, given_name, family_name, gender, birth_date,
            pupil_hash, CASE WHEN has_current = 1 THEN run_hash END, ?, ?, ?
       FROM stage_pupils sp WHERE is_new = 1
      ORDER BY pupil_id`,
      [nowMs, nowMs, nowMs],
    );
  }

  // Matched on discimus_id when staged: an INSZ correction lands here too.
  if (!diff.pupilsChanged && !diff.pupilsReturned && !grouped) return;
  const changed = '(sp.old_hash <> sp.pupil_hash OR sp.old_missing IS NOT NULL)';
  await session.run(
    `UPDATE pupils
        SET insz = sp.insz, given_name = sp.given_name, family_name = sp.family_name,
            gender = sp.gender, birth_date = sp.birth_date, row_hash = sp.pupil_hash,
            dump_hash = ${grouped ? DUMP_HASH : 'NULL'},
            updated_at = CASE WHEN ${changed} THEN ? ELSE pupils.updated_at END,
            last_seen_at = CASE WHEN ${changed} THEN ? ELSE pupils.last_seen_at END,
            missing_since = NULL
       FROM stage_pupils sp
      WHERE pupils.id = sp.pupil_id AND sp.is_new = 0
        AND (${changed} ${grouped ? 'OR sp.unchanged = 0' : ''})`,
    [nowMs, nowMs],
  );
}

async function writeEnrolments(
  session: SyncSession,
  diff: DiffCounts,
  today: string,
  nowMs: number,
) {
  if (diff.enrolmentsNew) {
    await session.run(
      `INSERT INTO enrolments (pupil_id, institution_number, location_number, stamnummer,
                             kind_of_education, administrative_group, enrolment_date,
                             start_date, end_date, row_hash, updated_at)
     SELECT pupil_id, institution_number, location_number, stamnummer, kind_of_education,
            administrative_group, enrolment_date, start_date, end_date, enrolment_hash, ?
       FROM stage_enrolments WHERE enrolment_id IS NULL
      ORDER BY pupil_id, institution_number, location_number, start_date`,
      [nowMs],
    );
  }

  if (diff.enrolmentsChanged) {
    await session.run(
      `UPDATE enrolments
        SET stamnummer = s.stamnummer, kind_of_education = s.kind_of_education,
            administrative_group = s.administrative_group, enrolment_date = s.enrolment_date,
            end_date = s.end_date, row_hash = s.enrolment_hash, updated_at = ?,
            missing_since = NULL
       FROM stage_enrolments s
      WHERE enrolments.id = s.enrolment_id
        AND (s.old_hash <> s.enrolment_hash OR s.old_missing IS NOT NULL)`,
      [nowMs],
    );
  }

  // A row gone from the dump ended yesterday: it is no longer current today.
  // Its row_hash stays, missing_since marks it, so a return is seen as a change.
  if (!diff.enrolmentsGone) return;
  await session.run(
    `UPDATE enrolments
        SET missing_since = ?, updated_at = ?,
            end_date = CASE WHEN end_date IS NULL OR end_date >= ? THEN ? ELSE end_date END
      WHERE id IN (SELECT id FROM gone_enrolments)`,
    [nowMs, nowMs, today, addDays(today, -1)],
  );
}

async function writeSchools(session: SyncSession) {
  const institutionsBefore = await countOf(session, 'SELECT count(*) AS n FROM institutions');

  await session.run(`DROP TABLE IF EXISTS stage_locations`);
  await session.run(
    `CREATE TEMPORARY TABLE stage_locations AS
     SELECT institution_number, location_number, max(institution_name) AS name
       FROM stage_rows GROUP BY institution_number, location_number`,
  );
  // "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT.
  await session.run(
    `INSERT INTO institutions (institution_number, name)
     SELECT institution_number, max(name) FROM stage_locations WHERE 1 = 1
      GROUP BY institution_number
     ON CONFLICT (institution_number) DO UPDATE SET name = excluded.name
      WHERE excluded.name IS NOT NULL
        AND (institutions.name IS NULL OR institutions.name <> excluded.name)`,
  );
  const locationsNew = await session.run(
    `INSERT INTO locations (institution_number, location_number)
     SELECT institution_number, location_number FROM stage_locations WHERE 1 = 1
     ON CONFLICT DO NOTHING`,
  );

  const institutionsAfter = await countOf(session, 'SELECT count(*) AS n FROM institutions');
  return { institutionsNew: institutionsAfter - institutionsBefore, locationsNew };
}
