/**
 * Compares the staged dump with the store, set-based: one pass builds the
 * staged pupils (with their LeerID UUID, new or kept), one the staged
 * enrolments (matched on pupil, institution, location and start date), one
 * the stored enrolments that left the dump. Nothing is written to the store
 * here, so the guards can look at the counts before anything changes.
 */
import { countOf, createTempTable, currentSql, indexForSqlite, uuidSql } from './sql.js';
import type { SyncSession } from './session.js';

export interface DiffCounts {
  /** Present before the run, not in the dump. */
  pupilsGone: number;
  pupilsInDump: number;
  pupilsNew: number;
  pupilsChanged: number;
  pupilsReturned: number;
  enrolmentsNew: number;
  enrolmentsChanged: number;
  /** Active before the run and not after it: end date set, or row gone. */
  enrolmentsEnded: number;
  enrolmentsGone: number;
  activeBefore: number;
}

/** stage_pupils: one row per pupil in the dump, with pupil_hash_max for conflicts. */
export async function stagePupils(session: SyncSession, today: string): Promise<void> {
  await indexForSqlite(session, 'stage_rows', ['discimus_id']);
  await createTempTable(
    session,
    'stage_pupils',
    `SELECT g.*,
            coalesce(p.id, ${uuidSql(session)}) AS pupil_id,
            CASE WHEN p.id IS NULL THEN 1 ELSE 0 END AS is_new,
            p.row_hash AS old_hash,
            p.missing_since AS old_missing,
            NULL AS run_hash,
            0 AS unchanged
       FROM (SELECT discimus_id, min(line) AS line, min(insz) AS insz,
                    min(family_name) AS family_name, min(given_name) AS given_name,
                    min(gender) AS gender, min(birth_date) AS birth_date,
                    min(pupil_hash) AS pupil_hash, max(pupil_hash) AS pupil_hash_max,
                    min(username_base) AS username_base,
                    max(CASE WHEN ${currentSql('stage_rows')} THEN 1 ELSE 0 END) AS has_current
               FROM stage_rows
              GROUP BY discimus_id) g
       LEFT JOIN pupils p ON p.discimus_id = g.discimus_id`,
    [today, today],
  );
  await indexForSqlite(session, 'stage_pupils', ['discimus_id']);
}

/**
 * stage_pupils when the dump was grouped by pupil: its first rows, no grouping
 * pass. A pupil whose rows hash to the stored dump_hash is `unchanged`: the
 * dump says exactly what it said when last applied, so its enrolments need
 * no comparison at all.
 */
export async function stagePupilsFromFirstRows(session: SyncSession): Promise<void> {
  await createTempTable(
    session,
    'stage_pupils',
    `SELECT s.discimus_id, s.line, s.insz, s.family_name, s.given_name, s.gender,
            s.birth_date, s.pupil_hash, s.pupil_hash AS pupil_hash_max, s.username_base,
            s.pupil_has_current AS has_current,
            coalesce(p.id, ${uuidSql(session)}) AS pupil_id,
            CASE WHEN p.id IS NULL THEN 1 ELSE 0 END AS is_new,
            p.row_hash AS old_hash,
            p.missing_since AS old_missing,
            s.run_hash,
            CASE WHEN p.missing_since IS NULL AND p.dump_hash = s.run_hash
                 THEN 1 ELSE 0 END AS unchanged
       FROM stage_rows s
       LEFT JOIN pupils p ON p.discimus_id = s.discimus_id
      WHERE s.pupil_first = 1`,
  );
  await indexForSqlite(session, 'stage_pupils', ['discimus_id']);
}

export async function countPupilConflicts(session: SyncSession): Promise<number> {
  return countOf(
    session,
    `SELECT count(*) AS n FROM stage_pupils WHERE pupil_hash <> pupil_hash_max`,
  );
}

/**
 * stage_enrolments (rows of pupils not `unchanged`), gone_pupils (stored,
 * present, not in the dump), gone_enrolments (stored rows of changed or gone
 * pupils that are not in the dump), then the counts of every kind of change.
 */
/**
 * `skipped`: pupils the dump describes exactly as stored, left out of the
 * staging (triage.ts); the present pupils it does not mention are then
 * listed in dump_gone rather than found by comparing with stage_pupils.
 */
export interface SkippedPupils {
  count: number;
}

export async function diffEnrolments(
  session: SyncSession,
  today: string,
  skipped: SkippedPupils | null,
): Promise<DiffCounts> {
  await createTempTable(
    session,
    'stage_enrolments',
    `SELECT s.line, sp.pupil_id, s.institution_number, s.location_number, s.stamnummer,
            s.kind_of_education, s.administrative_group, s.enrolment_date, s.start_date,
            s.end_date, s.enrolment_hash,
            e.id AS enrolment_id, e.row_hash AS old_hash, e.missing_since AS old_missing,
            CASE WHEN e.id IS NOT NULL AND ${currentSql('e')} THEN 1 ELSE 0 END AS was_current,
            CASE WHEN ${currentSql('s')} THEN 1 ELSE 0 END AS is_current
       FROM stage_rows s
       JOIN stage_pupils sp ON sp.discimus_id = s.discimus_id AND sp.unchanged = 0
       LEFT JOIN enrolments e
         ON e.pupil_id = sp.pupil_id
        AND e.institution_number = s.institution_number
        AND e.location_number = s.location_number
        AND e.start_date = s.start_date`,
    [today, today, today, today],
  );
  await indexForSqlite(session, 'stage_enrolments', ['enrolment_id']);

  await (skipped ? stageListedGonePupils(session) : stageGonePupils(session));
  // From the few pupils to the index on enrolments (pupil_id first), not a scan.
  await createTempTable(
    session,
    'gone_enrolments',
    `SELECT e.id, CASE WHEN ${currentSql('e')} THEN 1 ELSE 0 END AS was_current
       FROM (SELECT pupil_id FROM stage_pupils WHERE unchanged = 0 AND is_new = 0
             UNION ALL
             SELECT id FROM gone_pupils) c
       JOIN enrolments e ON e.pupil_id = c.pupil_id
      WHERE e.missing_since IS NULL
        AND NOT EXISTS (SELECT 1 FROM stage_enrolments s WHERE s.enrolment_id = e.id)`,
    [today, today],
  );

  return countChanges(session, today, skipped?.count ?? 0);
}

/**
 * Present pupils that the triage did not skip (dump_gone) and that are not
 * staged either: the dump does not mention them.
 */
async function stageListedGonePupils(session: SyncSession): Promise<void> {
  await createTempTable(
    session,
    'gone_pupils',
    `SELECT p.id FROM pupils p
       JOIN dump_gone g ON g.discimus_id = p.discimus_id
      WHERE p.missing_since IS NULL
        AND NOT EXISTS (SELECT 1 FROM stage_pupils sp WHERE sp.discimus_id = p.discimus_id)`,
  );
}

/** Present pupils missing from the dump; the anti-join is skipped when counts rule them out. */
async function stageGonePupils(session: SyncSession): Promise<void> {
  const present = await countOf(
    session,
    'SELECT count(*) AS n FROM pupils WHERE missing_since IS NULL',
  );
  const matched = await countOf(
    session,
    'SELECT count(*) AS n FROM stage_pupils WHERE is_new = 0 AND old_missing IS NULL',
  );
  await createTempTable(
    session,
    'gone_pupils',
    `SELECT p.id FROM pupils p
      WHERE ${present > matched ? '1 = 1' : '1 = 0'} AND p.missing_since IS NULL
        AND NOT EXISTS (SELECT 1 FROM stage_pupils sp WHERE sp.discimus_id = p.discimus_id)`,
  );
}

async function countChanges(
  session: SyncSession,
  today: string,
  pupilsSkipped: number,
): Promise<DiffCounts> {
  const [pupils] = await session.all<Record<string, number | string | null>>(
    `SELECT count(*) AS in_dump,
            sum(is_new) AS new,
            sum(CASE WHEN is_new = 0 AND old_hash <> pupil_hash THEN 1 ELSE 0 END) AS changed,
            sum(CASE WHEN old_missing IS NOT NULL THEN 1 ELSE 0 END) AS returned
       FROM stage_pupils`,
  );
  const [enrolments] = await session.all<Record<string, number | string | null>>(
    `SELECT sum(CASE WHEN enrolment_id IS NULL THEN 1 ELSE 0 END) AS new,
            sum(CASE WHEN enrolment_id IS NOT NULL
                      AND (old_hash <> enrolment_hash OR old_missing IS NOT NULL)
                     THEN 1 ELSE 0 END) AS changed,
            sum(CASE WHEN was_current = 1 AND is_current = 0 THEN 1 ELSE 0 END) AS ended
       FROM stage_enrolments`,
  );
  const [gone] = await session.all<Record<string, number | string | null>>(
    `SELECT count(*) AS gone, sum(was_current) AS ended FROM gone_enrolments`,
  );
  const activeBefore = await countOf(
    session,
    `SELECT count(*) AS n FROM enrolments e WHERE ${currentSql('e')}`,
    [today, today],
  );

  const pupilsGone = await countOf(session, 'SELECT count(*) AS n FROM gone_pupils');

  const n = (value: number | string | null | undefined) => Number(value ?? 0);
  return {
    pupilsGone,
    pupilsInDump: n(pupils?.in_dump) + pupilsSkipped,
    pupilsNew: n(pupils?.new),
    pupilsChanged: n(pupils?.changed),
    pupilsReturned: n(pupils?.returned),
    enrolmentsNew: n(enrolments?.new),
    enrolmentsChanged: n(enrolments?.changed),
    enrolmentsEnded: n(enrolments?.ended) + n(gone?.ended),
    enrolmentsGone: n(gone?.gone),
    activeBefore,
  };
}
