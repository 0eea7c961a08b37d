/**
 * Retention (protocol, article 6): an account with no login and no current
 * enrolment for 3 years is deleted; a pupil's mirrored data is deleted 12
 * years after the last enrolment, the last dump that held the pupil and the
 * last login. Every deletion is counted; a dry run counts and rolls back.
 */
import type { Knex } from 'knex';
import type { Db } from '../store/db.js';

export interface PurgeOptions {
  /** Today where the schools are, 'YYYY-MM-DD'. */
  today: string;
  inactiveYears: number;
  retentionYears: number;
  dryRun: boolean;
}

export interface PurgeReport {
  dryRun: boolean;
  inactiveBefore: string;
  retainedFrom: string;
  accounts: number;
  pupils: number;
  enrolments: number;
  classCodes: number;
}

export async function purge(db: Db, options: PurgeOptions): Promise<PurgeReport> {
  const inactiveBefore = yearsBefore(options.today, options.inactiveYears);
  const retainedFrom = yearsBefore(options.today, options.retentionYears);
  const report: PurgeReport = {
    dryRun: options.dryRun,
    inactiveBefore,
    retainedFrom,
    accounts: 0,
    pupils: 0,
    enrolments: 0,
    classCodes: 0,
  };

  const trx = await db.transaction();
  try {
    report.accounts = await inactiveAccounts(trx, inactiveBefore).delete();

    const expired = expiredPupils(trx, retainedFrom);
    report.enrolments = await trx('enrolments').whereIn('pupil_id', expired.clone()).delete();
    await trx('accounts').whereIn('pupil_id', expired.clone()).delete();
    report.pupils = await trx('pupils').whereIn('id', expired.clone()).delete();

    // A class code outlives its school year by at most its lifetime.
    report.classCodes = await trx('class_codes')
      .where('expires_at', '<', startOf(inactiveBefore))
      .delete();

    if (options.dryRun) await trx.rollback();
    else await trx.commit();
    return report;
  } catch (error) {
    await trx.rollback().catch(() => {});
    throw error;
  }
}

/** Accounts without a login, creation or running enrolment since `before`. */
function inactiveAccounts(trx: Knex.Transaction, before: string) {
  const since = startOf(before);
  return trx('accounts')
    .where('created_at', '<', since)
    .andWhere((q) => q.whereNull('last_login_at').orWhere('last_login_at', '<', since))
    .whereNotExists(activeEnrolment(trx, 'accounts.pupil_id', before));
}

/** Pupils neither enrolled, nor in a dump, nor logged in since `before`. */
function expiredPupils(trx: Knex.Transaction, before: string) {
  const since = startOf(before);
  return trx('pupils')
    .select('pupils.id')
    .where('pupils.last_seen_at', '<', since)
    .whereNotExists(activeEnrolment(trx, 'pupils.id', before))
    .whereNotExists(
      trx('accounts')
        .select(trx.raw('1'))
        .whereRaw('accounts.pupil_id = pupils.id')
        .andWhere('accounts.last_login_at', '>=', since),
    );
}

/** An enrolment still running on or after `date` (or not ended at all). */
function activeEnrolment(trx: Knex.Transaction, pupilColumn: string, date: string) {
  return trx('enrolments')
    .select(trx.raw('1'))
    .whereRaw(`enrolments.pupil_id = ${pupilColumn}`)
    .andWhere((q) => q.whereNull('enrolments.end_date').orWhere('enrolments.end_date', '>=', date));
}

/** The same calendar day `years` earlier (29 February becomes the 28th). */
export function yearsBefore(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) - years;
  const monthDay = date.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = monthDay === '02-29' && !leap ? '02-28' : monthDay;
  return `${String(year).padStart(4, '0')}-${day}`;
}

function startOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}
