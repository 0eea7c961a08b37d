/**
 * `leerid sync <dump.csv|dump.csv.gz> | --from DIR [--dry-run] [--force]`:
 * one nightly Discimus sync. Exit 0 when applied (or dry run), 1 when the
 * dump was refused or the run failed; the reason is printed and logged with
 * a stable code, sync.failed for anything unexpected.
 */
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { createPrivacyLogWriter, privacyLogKeyFor } from '../audit/index.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import { createLogger, type Logger } from '../http/logger.js';
import { createDb, migrateLatest, type Db } from '../store/db.js';
import { formatReport, runSync, type SyncReport } from '../sync/index.js';
import { pickNewestDump } from '../sync/pick-dump.js';
import { createProgress } from '../sync/progress.js';
import { DumpRowsError } from '../sync/row-faults.js';
import { UNEXPECTED_FAILURE } from '../sync/sync-runs.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args);
  const config = loadConfig();
  // A terminal gets the bar and the report; JSON lines are for logs (cron, systemd).
  const level = process.stdout.isTTY ? 'silent' : config.logLevel;
  const logger = createLogger(level).child({ command: 'sync' });
  if (positionals.length > (values.from ? 0 : 1)) {
    throw new LeerIdError('sync.usage', 'give one dump file or --from DIR, not both or more');
  }
  const file = values.from ? await pickNewestDump(values.from) : positionals[0];
  if (!file) throw new LeerIdError('sync.usage', 'give a dump file or --from DIR');

  const db = createDb(config.databaseUrl, { pool: 3 });
  const progress = createProgress(logger);
  try {
    await migrateLatest(db);
    // Before the run: a key problem found after the commit would report a
    // failure for a dump that was applied.
    const key = await privacyLogKeyFor(db, config);
    logger.info({ file, dryRun: values['dry-run'], force: values.force }, 'sync started');
    const report = await runSync(db, file, {
      now: new Date(),
      timezone: config.timezone,
      dryRun: values['dry-run'],
      force: values.force,
      maxEndedShare: config.sync.maxEndedShare,
      minSizeRatio: config.sync.minSizeRatio,
      mappingFile: config.sync.mappingFile,
      usernameScheme: config.accounts.usernameScheme,
      onProgress: progress.onProgress,
    });
    progress.done();
    if (report.outcome !== 'dry-run') await recordSyncRun(db, config, key, report);
    logger.info({ report }, 'sync finished');
    if (process.stdout.isTTY) console.log(formatReport(report));
    return 0;
  } catch (error) {
    progress.done();
    if (!(error instanceof LeerIdError)) return reportUnexpected(logger, error);
    const faults = error instanceof DumpRowsError ? error.faults.slice(0, 50) : undefined;
    logger.error(
      { code: error.code, faults, total: faults && (error as DumpRowsError).total },
      error.message,
    );
    throw error;
  } finally {
    await db.destroy();
  }
}

/**
 * A failure of the system, not of the dump (the database gone, a bug): the
 * same one log line with a code and one line on stderr as a refusal, and
 * exit 1 as documented; the stack goes to the log only. The error is not
 * logged whole: a database error's context can quote a row of the dump.
 */
function reportUnexpected(logger: Logger, error: unknown): number {
  const err = error instanceof Error ? error : new Error(String(error));
  const own = (err as { code?: unknown }).code;
  const cause = typeof own === 'string' ? own : undefined; // SQLSTATE, SQLite or errno code
  const message = `unexpected ${err.name}${cause ? ` ${cause}` : ''}: ${err.message}`;
  logger.error({ code: UNEXPECTED_FAILURE, cause, stack: err.stack }, message);
  console.error(`leerid: ${UNEXPECTED_FAILURE}: ${message}`);
  return 1;
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new LeerIdError('sync.usage', (error as Error).message);
  }
}

/** A sync run writes personal data into LeerID: the privacy log says when and how much. */
async function recordSyncRun(db: Db, config: Config, key: Buffer, report: SyncReport) {
  const privacyLog = createPrivacyLogWriter(db, {
    key,
    flushIntervalMs: config.privacyLog.flushIntervalMs,
  });
  privacyLog.record({
    kind: 'sync.run',
    actorType: 'system',
    actor: 'leerid',
    purpose: 'nightly mirror of the Discimus enrolment register',
    data: {
      run: report.runId,
      file: basename(report.file),
      checksum: report.checksum,
      pupils: report.pupils,
      enrolments: report.enrolments,
      accounts: report.accounts,
    },
  });
  await privacyLog.close();
}
