/**
 * `leerid sync <dump.csv|dump.csv.gz> | --from DIR [--dry-run] [--force]`:
 * one nightly Discimus sync. Exit 0 when applied (or dry run), 1 when the
 * dump was refused or the run failed; the reason is printed and logged.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config/load.js';
import { LeerIdError } from '../errors/index.js';
import { createDb } from '../store/db.js';
import { formatReport, runSync } from '../sync/index.js';
import { pickNewestDump } from '../sync/pick-dump.js';
import { createProgress } from '../sync/progress.js';
import { DumpRowsError } from '../sync/row-faults.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args);
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: { command: 'sync' } });
  const file = values.from ? await pickNewestDump(values.from) : positionals[0];
  if (!file) throw new LeerIdError('sync.usage', 'give a dump file or --from DIR');

  const db = createDb(config.databaseUrl, { pool: 3 });
  const progress = createProgress(logger);
  try {
    logger.info({ file, dryRun: values['dry-run'], force: values.force }, 'sync started');
    const report = await runSync(db, file, {
      now: new Date(),
      timezone: config.timezone,
      dryRun: values['dry-run'],
      force: values.force,
      maxEndedShare: config.sync.maxEndedShare,
      minSizeRatio: config.sync.minSizeRatio,
      mappingFile: config.sync.mappingFile,
      onProgress: progress.onProgress,
    });
    progress.done();
    logger.info({ report }, 'sync finished');
    if (process.stdout.isTTY) console.log(formatReport(report));
    return 0;
  } catch (error) {
    progress.done();
    if (error instanceof LeerIdError) {
      const faults = error instanceof DumpRowsError ? error.faults.slice(0, 50) : undefined;
      logger.error(
        { code: error.code, faults, total: faults && (error as DumpRowsError).total },
        error.message,
      );
    }
    throw error;
  } finally {
    await db.destroy();
  }
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
