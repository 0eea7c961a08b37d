/**
 * The run log (sync_runs): one row per attempt, written outside the run's
 * transaction so refused and failed runs are recorded too. A row still
 * 'running' when the next run gets the lock belongs to a killed process.
 */
import { hostname } from 'node:os';
import { LeerIdError, type ErrorCode } from '../errors/index.js';
import type { Db } from '../store/db.js';
import type { SyncReport } from './report.js';
import type { SyncSession } from './session.js';

export type RunOutcome = 'running' | 'applied' | 'dry-run' | 'refused' | 'failed' | 'interrupted';

/** Call only while holding the sync lock. */
export async function startRun(
  db: Db,
  run: { file: string; dryRun: boolean; forced: boolean },
): Promise<number> {
  await db('sync_runs')
    .where({ outcome: 'running' })
    .update({ outcome: 'interrupted', message: 'the process ended before the run finished' });

  const [row] = await db('sync_runs')
    .insert({
      file: run.file,
      started_at: Date.now(),
      outcome: 'running',
      forced: run.forced,
      dry_run: run.dryRun,
      host: hostname(),
      pid: process.pid,
    })
    .returning('id');
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

/** Rows of the last applied run, for the size guard. */
export async function previousAppliedRows(db: Db): Promise<number | null> {
  const row = await db('sync_runs')
    .where({ outcome: 'applied' })
    .orderBy('id', 'desc')
    .first('rows');
  return row ? Number(row.rows) : null;
}

export async function finishRun(db: Db, id: number, report: SyncReport): Promise<void> {
  await db('sync_runs').where({ id }).update(finishedColumns(report));
}

/**
 * The same inside the run's own transaction, just before it commits: the run
 * log then says `applied` exactly when the data is, even if the process dies
 * in the middle of the commit.
 */
export async function finishRunWithin(
  session: SyncSession,
  id: number,
  report: SyncReport,
): Promise<void> {
  const columns = finishedColumns(report);
  const assignments = Object.keys(columns).map((name) => `${name} = ?`);
  await session.run(`UPDATE sync_runs SET ${assignments.join(', ')} WHERE id = ?`, [
    ...Object.values(columns),
    id,
  ]);
}

function finishedColumns(report: SyncReport) {
  return {
    outcome: report.outcome,
    checksum: report.checksum,
    size: report.bytes,
    finished_at: Date.now(),
    rows: report.rows,
    counts: JSON.stringify({
      pupils: report.pupils,
      enrolments: report.enrolments,
      accounts: report.accounts,
      institutions: report.institutions,
      locations: report.locations,
      guards: report.guards,
    }),
  };
}

/**
 * The code of a run that failed on anything but a LeerIdError (the database
 * gone, a bug): in the run log, the log line and the command's message.
 */
export const UNEXPECTED_FAILURE: ErrorCode = 'sync.failed';

/** Refused: the dump was judged and turned down. Failed: anything else. */
export async function failRun(db: Db, id: number, error: unknown): Promise<void> {
  const known = error instanceof LeerIdError;
  const refused = known && (error.code.startsWith('dump.') || error.code === 'sync.implausible');
  await db('sync_runs')
    .where({ id })
    .update({
      outcome: refused ? 'refused' : 'failed',
      finished_at: Date.now(),
      error_code: known ? error.code : UNEXPECTED_FAILURE,
      message: (error as Error).message?.slice(0, 4000) ?? String(error),
    });
}
