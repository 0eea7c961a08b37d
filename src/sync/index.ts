/**
 * The nightly Discimus sync: a full dump in, a delta out, all or nothing.
 *
 *   lock -> record run -> load stored pupils -> read + triage + validate +
 *   stage (one stream) -> cross-row checks -> diff -> guards -> apply ->
 *   accounts -> commit (or roll back for a dry run) -> record outcome -> unlock
 *
 * The triage (triage.ts) skips every pupil the dump describes byte for byte
 * as when the store last took it; only the rest is parsed and staged.
 *
 * Everything between "stage" and "commit" is one transaction on one
 * connection, so a failure or a killed process leaves the store as it was.
 * docs/dump-format.md and docs/sync.md describe the behaviour.
 */
import { todayIn } from '../util/dates.js';
import type { Db } from '../store/db.js';
import { createMissingAccounts } from './accounts.js';
import { applyDiff } from './apply.js';
import { withBulkLoad } from './bulk-load.js';
import { AscendingIds, GroupingProof } from './grouping.js';
import {
  countPupilConflicts,
  diffEnrolments,
  stagePupils,
  stagePupilsFromFirstRows,
} from './diff.js';
import { openDump, type DumpReader } from './dump-reader.js';
import { createFirstImport } from './first-import.js';
import { startFirstImportThread } from './first-import-thread.js';
import { loadStoredPupils, type StoredPupils } from './stored-pupils.js';
import { DumpTriage, UngroupedDump } from './triage.js';
import { assertPlausible, evaluateGuards, type GuardVerdict } from './guards.js';
import { acquireSyncLock } from './lock.js';
import { loadColumnMapping, type ColumnMapping } from './mapping.js';
import type { UsernameScheme } from '../accounts/usernames.js';
import type { SyncReading, SyncReport } from './report.js';
import { findDuplicateEnrolments, findPupilConflicts } from './row-checks.js';
import { DumpRowsError, type FaultList } from './row-faults.js';
import { openSession, type SyncSession } from './session.js';
import { createStage, stageGoneIds } from './stage.js';
import { failRun, finishRun, finishRunWithin, previousAppliedRows, startRun } from './sync-runs.js';
import type { RowRules } from './validate-row.js';

export type { SyncReport } from './report.js';
export { formatReport } from './report.js';
export { DumpRowsError, type RowFault } from './row-faults.js';
export { currentSql } from './sql.js';

export type SyncPhase = 'read' | 'check' | 'diff' | 'apply' | 'accounts' | 'commit';

export interface ProgressEvent {
  phase: SyncPhase;
  /** During 'read': bytes of the file read so far, of `size`. */
  bytesRead?: number;
  size?: number;
  rows?: number;
}

export interface SyncOptions {
  /** The clock: decides "today" (in `timezone`) and the *_at stamps. */
  now: Date;
  timezone: string;
  dryRun?: boolean;
  force?: boolean;
  maxEndedShare: number;
  minSizeRatio: number;
  mappingFile?: string;
  /** How new accounts' usernames are made; default given.family. */
  usernameScheme?: UsernameScheme;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * A first import through the staging table instead of straight into the
   * tables: the reference the direct way is tested against.
   */
  stagedFirstImport?: boolean;
}

const TEMP_TABLES = [
  'first_import_accounts',
  'first_import_pupils',
  'first_import_enrolments',
  'dump_gone',
  'new_accounts',
  'stage_locations',
  'gone_enrolments',
  'gone_pupils',
  'stage_enrolments',
  'stage_pupils',
  'stage_rows',
];

export async function runSync(db: Db, source: string, options: SyncOptions): Promise<SyncReport> {
  const mapping = loadColumnMapping(options.mappingFile);
  const release = await acquireSyncLock(db);

  try {
    const runId = await startRun(db, {
      file: source,
      dryRun: Boolean(options.dryRun),
      forced: Boolean(options.force),
    });
    const previousRows = await previousAppliedRows(db);

    try {
      const report = await execute(db, source, mapping, options, runId, previousRows);
      // An applied run was recorded with its data (finishRunWithin).
      if (report.outcome === 'dry-run') await finishRun(db, runId, report);
      return report;
    } catch (error) {
      await failRun(db, runId, error);
      throw error;
    }
  } finally {
    await release();
  }
}

async function execute(
  db: Db,
  source: string,
  mapping: ColumnMapping,
  options: SyncOptions,
  runId: number,
  previousRows: number | null,
): Promise<SyncReport> {
  const started = performance.now();
  const reader = await openDump(source, mapping);
  const session = await openSession(db);

  try {
    await tuneSession(session);
    let report: SyncReport;
    try {
      report = await attempt(session, reader, options, previousRows, true);
    } catch (error) {
      if (!(error instanceof UngroupedDump)) throw error;
      // Pupils were skipped on the promise of adjacent rows: read it all again.
      await session.rollback();
      report = await attempt(session, reader, options, previousRows, false);
    }
    const durationMs = Math.round(performance.now() - started);
    const finished = { ...report, runId, file: source, durationMs };
    if (options.dryRun) {
      await session.rollback();
    } else {
      await finishRunWithin(session, runId, finished);
      await session.commit();
    }
    return finished;
  } catch (error) {
    await session.rollback().catch(() => {});
    // Row faults are found past the reading, which names the file in its own faults.
    if (error instanceof DumpRowsError && !error.file) {
      throw new DumpRowsError(error.faults, error.total, source);
    }
    throw error;
  } finally {
    if (session.dialect === 'pg') {
      await session.run('RESET work_mem').catch(() => 0);
      await session.run('RESET maintenance_work_mem').catch(() => 0);
      await session.run('RESET random_page_cost').catch(() => 0);
    } else {
      await session.run('PRAGMA threads = 0').catch(() => 0);
    }
    await session.release();
  }
}

/** One pass over the dump in one transaction; `skipping`: trust stored hashes. */
async function attempt(
  session: SyncSession,
  reader: DumpReader,
  options: SyncOptions,
  previousRows: number | null,
  skipping: boolean,
): Promise<SyncReport> {
  const today = todayIn(options.timezone, options.now);
  const nowMs = options.now.getTime();
  const progress = options.onProgress ?? (() => {});

  await session.begin();
  const rules = { today, usernameScheme: options.usernameScheme ?? 'given.family' };
  const direct = skipping && !options.stagedFirstImport;
  if (direct && !(await session.all('SELECT 1 FROM pupils LIMIT 1')).length) {
    return firstImport(session, reader, options, previousRows, rules);
  }
  const stored = skipping ? await loadStoredPupils(session) : null;
  const rows = await stageDump(session, reader, rules, stored?.size ? stored : null, progress);
  progress({ phase: 'check', rows: rows.count });
  await checkAcrossRows(session, today, rows.faults, rows.grouped);

  progress({ phase: 'diff' });
  const diff = await diffEnrolments(session, today, rows.skipped);
  const verdict = evaluateGuards({
    activeBefore: diff.activeBefore,
    enrolmentsEnded: diff.enrolmentsEnded,
    rows: rows.count,
    previousRows,
    maxEndedShare: options.maxEndedShare,
    minSizeRatio: options.minSizeRatio,
  });
  assertPlausible(verdict, Boolean(options.force));

  const { applied, accountsCreated } = await withBulkLoad(session, async () => {
    progress({ phase: 'apply' });
    const applied = await applyDiff(session, diff, today, nowMs, rows.grouped);
    progress({ phase: 'accounts' });
    return { applied, accountsCreated: await createMissingAccounts(session, nowMs) };
  });

  await finishAttempt(session, progress);
  const reading = stored?.size ? 'skipping' : 'full';
  return reportOf(reader, options, today, rows.count, verdict, reading, {
    pupils: {
      inDump: diff.pupilsInDump,
      new: diff.pupilsNew,
      changed: diff.pupilsChanged,
      returned: diff.pupilsReturned,
      gone: diff.pupilsGone,
      unchanged: rows.skipped?.count ?? 0,
    },
    enrolments: {
      new: diff.enrolmentsNew,
      changed: diff.enrolmentsChanged,
      ended: diff.enrolmentsEnded,
      gone: diff.enrolmentsGone,
      activeBefore: diff.activeBefore,
    },
    accounts: { created: accountsCreated },
    institutions: { new: applied.institutionsNew },
    locations: { new: applied.locationsNew },
  });
}

type ReportCounts = Pick<
  SyncReport,
  'pupils' | 'enrolments' | 'accounts' | 'institutions' | 'locations'
>;

/** The report of an attempt; runSync adds the run id, file and duration. */
function reportOf(
  reader: DumpReader,
  options: SyncOptions,
  today: string,
  rows: number,
  verdict: GuardVerdict,
  reading: SyncReading,
  counts: ReportCounts,
): SyncReport {
  return {
    runId: 0,
    file: '',
    checksum: reader.stats.checksum,
    bytes: reader.stats.size,
    outcome: options.dryRun ? 'dry-run' : 'applied',
    reading,
    forced: Boolean(options.force),
    today,
    rows,
    durationMs: 0,
    ...counts,
    guards: {
      endedShare: verdict.endedShare,
      sizeRatio: verdict.sizeRatio,
      overridden: options.force ? verdict.problems : [],
    },
  };
}

/** The run's temporary tables go; execute() then records the run and commits. */
async function finishAttempt(
  session: SyncSession,
  progress: (event: ProgressEvent) => void,
): Promise<void> {
  progress({ phase: 'commit' });
  await dropTempTables(session);
}

/**
 * Into a store without pupils: every row is new, so the rows go straight
 * into the tables (first-import.ts), with no staging and no diff. A dump
 * that is not grouped by pupil takes the staging path instead.
 */
async function firstImport(
  session: SyncSession,
  reader: DumpReader,
  options: SyncOptions,
  previousRows: number | null,
  rules: RowRules,
): Promise<SyncReport> {
  const progress = options.onProgress ?? (() => {});
  const { count, counts } = await withBulkLoad(
    session,
    async () => {
      const nowMs = options.now.getTime();
      // PostgreSQL: parsed in a worker thread while this one reads and loads.
      const writer =
        session.dialect === 'pg'
          ? await startFirstImportThread(session, { nowMs, today: rules.today, rules })
          : await createFirstImport(session, { nowMs, today: rules.today });
      // The writer numbers usernames as pupils pass, so needs them in id order.
      const reportRead = () => {
        const { bytesRead, size } = reader.stats;
        progress({ phase: 'read', bytesRead, size, rows: triage.rows });
      };
      const triage = new DumpTriage(null, rules, writer, new AscendingIds(), reportRead, true);

      let count: number;
      try {
        count = await reader.scan(triage);
        progress({ phase: 'apply', rows: count });
        await writer.finish();
      } catch (error) {
        // Ends the COPY (and the worker thread), so the connection can roll back.
        await writer.abort(error as Error);
        throw error;
      }
      // failFast: an ungrouped dump threw UngroupedDump while it was read.
      triage.faults.addAll(triage.runFaults);
      if (triage.faults.total > 0) {
        throw new DumpRowsError(triage.faults.sorted(), triage.faults.total);
      }

      progress({ phase: 'accounts', rows: count });
      return { count, counts: await writer.complete() };
    },
    { primaryKeys: true },
  );

  const verdict = evaluateGuards({
    activeBefore: 0,
    enrolmentsEnded: 0,
    rows: count,
    previousRows,
    maxEndedShare: options.maxEndedShare,
    minSizeRatio: options.minSizeRatio,
  });
  assertPlausible(verdict, Boolean(options.force));

  await finishAttempt(session, progress);
  return reportOf(reader, options, rules.today, count, verdict, 'first-import', {
    pupils: {
      inDump: counts.pupils,
      new: counts.pupils,
      changed: 0,
      returned: 0,
      gone: 0,
      unchanged: 0,
    },
    enrolments: { new: counts.enrolments, changed: 0, ended: 0, gone: 0, activeBefore: 0 },
    accounts: { created: counts.accountsCreated },
    institutions: { new: counts.institutionsNew },
    locations: { new: counts.locationsNew },
  });
}

/**
 * Reads, triages, validates and stages every row in one stream; faults are
 * collected. With `stored`, unchanged pupils are skipped and the present
 * pupils the dump left out are listed in dump_gone.
 */
async function stageDump(
  session: SyncSession,
  reader: DumpReader,
  rules: RowRules,
  stored: StoredPupils | null,
  progress: (event: ProgressEvent) => void,
) {
  const stage = await createStage(session);
  // A row takes 60 bytes at the very least: an upper bound on the pupils.
  const proof = new GroupingProof(reader.stats.size / 60);
  const triage = new DumpTriage(stored, rules, stage, proof, () => {
    const { bytesRead, size } = reader.stats;
    progress({ phase: 'read', bytesRead, size, rows: triage.rows });
  });

  let count: number;
  try {
    count = await reader.scan(triage);
  } catch (error) {
    await stage.abort(error as Error);
    throw error;
  }
  await stage.finish();
  if (triage.grouped) triage.faults.addAll(triage.runFaults);
  if (stored) await stageGoneIds(session, stored.notSkipped());

  return {
    count,
    faults: triage.faults,
    grouped: triage.grouped,
    skipped: stored ? { count: triage.pupilsSkipped } : null,
  };
}

/**
 * Duplicate enrolments and pupils whose rows disagree: already found while
 * streaming when the dump lists each pupil's rows together, else here, set-
 * based. A dump with any faulty row is refused whole: quality problems go
 * back to the source (protocol art. 10), and skipping a row would look like
 * an ended enrolment.
 */
async function checkAcrossRows(
  session: SyncSession,
  today: string,
  faults: FaultList,
  grouped: boolean,
) {
  if (session.dialect === 'pg') await session.run('ANALYZE stage_rows');
  if (grouped) {
    await stagePupilsFromFirstRows(session);
  } else {
    await findDuplicateEnrolments(session, faults);
    await stagePupils(session, today);
    if (await countPupilConflicts(session)) await findPupilConflicts(session, faults);
  }

  if (faults.total > 0) throw new DumpRowsError(faults.sorted(), faults.total);
}

/**
 * Big joins, sorts and the staging tables stay in memory: the run holds one
 * connection anyway. temp_buffers (8 MB by default) can only change before
 * the connection first touches a temporary table, so a reused pooled
 * connection may keep the old value: slower, not wrong.
 */
async function tuneSession(session: SyncSession): Promise<void> {
  if (session.dialect !== 'pg') {
    // The sorter of CREATE INDEX and ORDER BY may use a second core (SQLite
    // starts none by default): a national first import 38 s -> 31 s.
    await session.run('PRAGMA threads = 2');
    return;
  }
  await session.run(`SET work_mem = '256MB'`);
  await session.run(`SET maintenance_work_mem = '512MB'`);
  await session.run(`SET temp_buffers = '1GB'`).catch(() => 0);
  // A delta touches a few thousand of a million rows, all in memory by then:
  // index lookups beat a full scan, which the default costs (disk) hide.
  await session.run(`SET random_page_cost = 1.1`);
}

async function dropTempTables(session: SyncSession): Promise<void> {
  for (const table of TEMP_TABLES) await session.run(`DROP TABLE IF EXISTS ${table}`);
}
