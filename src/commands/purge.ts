/**
 * `leerid purge [--dry-run]`: deletes accounts inactive for 3 years (no
 * login and no current enrolment) and pupil data past 12 years of retention,
 * and prints how many rows of each kind went. --dry-run counts and keeps all.
 */
import { parseArgs } from 'node:util';
import { purge, type PurgeReport } from '../accounts/purge.js';
import { loadConfig } from '../config/load.js';
import { LeerIdError } from '../errors/index.js';
import { createDb, migrateLatest } from '../store/db.js';
import { todayIn } from '../util/dates.js';

export async function run(args: string[]): Promise<number> {
  const dryRun = parseOptions(args);
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    await migrateLatest(db);
    const report = await purge(db, {
      today: todayIn(config.timezone),
      inactiveYears: config.accounts.inactiveYears,
      retentionYears: config.accounts.retentionYears,
      dryRun,
    });
    console.log(formatReport(report));
    return 0;
  } finally {
    await db.destroy();
  }
}

function parseOptions(args: string[]): boolean {
  try {
    const { values } = parseArgs({
      args,
      options: { 'dry-run': { type: 'boolean', default: false } },
      strict: true,
    });
    return values['dry-run'] ?? false;
  } catch (error) {
    throw new LeerIdError(
      'purge.usage',
      `${(error as Error).message}; usage: leerid purge [--dry-run]`,
    );
  }
}

export function formatReport(report: PurgeReport): string {
  const verb = report.dryRun ? 'would delete' : 'deleted';
  return [
    `purge${report.dryRun ? ' (dry run: nothing deleted)' : ''}`,
    `  cut-offs: no activity since ${report.inactiveBefore}; retention from ${report.retainedFrom}`,
    `  accounts     ${String(report.accounts).padStart(8)} ${verb} (inactive for 3 years)`,
    `  pupils       ${String(report.pupils).padStart(8)} ${verb} (past retention)`,
    `  enrolments   ${String(report.enrolments).padStart(8)} ${verb} (of those pupils)`,
    `  class codes  ${String(report.classCodes).padStart(8)} ${verb} (long expired)`,
  ].join('\n');
}
