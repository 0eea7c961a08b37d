/**
 * Retention: accounts with no login and no current enrolment for 3 years
 * go; pupil data goes 12 years after the last sign of the pupil. Checked a
 * day before and a day after each limit; a dry run counts and keeps.
 */
import { expect } from 'chai';
import { purge, yearsBefore } from '../../../src/accounts/purge.js';
import type { Db } from '../../../src/store/db.js';
import { insertChild } from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { SCHOOL_A } from './accounts.config.js';

/** The last day of the pupil's last enrolment, and the day of the last login. */
const LAST_DAY = '2023-06-30';
const LAST_LOGIN = Date.parse('2023-06-20T10:00:00Z');
const LONG_AGO = Date.parse('2010-01-01T00:00:00Z');

describe('leerid purge', function () {
  let db: Db;

  beforeEach(async function () {
    db = await freshDb();
  });

  afterEach(async function () {
    await db?.destroy();
  });

  async function leaver(end = LAST_DAY, lastLogin: number | null = LAST_LOGIN) {
    const id = await insertChild(db, {
      givenName: 'Nora',
      familyName: 'Wouters',
      birthDate: '2009-02-02',
      enrolments: [{ institution: SCHOOL_A, start: '2015-09-01', end }],
    });
    await db('accounts')
      .where({ pupil_id: id })
      .update({ created_at: LONG_AGO, last_login_at: lastLogin });
    await db('pupils').where({ id }).update({ last_seen_at: LONG_AGO });
    return id;
  }

  const run = (today: string, dryRun = false) =>
    purge(db, { today, inactiveYears: 3, retentionYears: 12, dryRun });

  const hasAccount = async (id: string) =>
    Boolean(await db('accounts').where({ pupil_id: id }).first());

  it('keeps an account inactive for 3 years minus a day', async function () {
    const id = await leaver();
    const report = await run('2026-06-29');
    expect(report.accounts).to.equal(0);
    expect(await hasAccount(id)).to.equal(true);
  });

  it('deletes an account inactive for 3 years plus a day, and counts it', async function () {
    const id = await leaver();
    const report = await run('2026-07-01');
    expect(report.accounts).to.equal(1);
    expect(await hasAccount(id)).to.equal(false);
    // The mirrored pupil stays until the retention period ends.
    expect(await db('pupils').where({ id }).first()).to.be.an('object');
  });

  it('counts the last login as activity', async function () {
    const id = await leaver('2022-06-30', Date.parse('2023-07-01T09:00:00Z'));
    expect((await run('2026-06-30')).accounts).to.equal(0);
    expect(await hasAccount(id)).to.equal(true);
    expect((await run('2026-07-02')).accounts).to.equal(1);
  });

  it('never deletes the account of a pupil with a current or open enrolment', async function () {
    const open = await leaver('2023-06-30', null);
    await db('enrolments').where({ pupil_id: open }).update({ end_date: null });
    const future = await leaver('2023-06-30', null);
    await db('enrolments').insert({
      ...(await db('enrolments').where({ pupil_id: future }).first()),
      id: undefined,
      start_date: '2031-09-01',
      end_date: '2032-06-30',
    });
    expect((await run('2030-01-01')).accounts).to.equal(0);
  });

  it('makes no change on a dry run but reports the same counts', async function () {
    const id = await leaver();
    const dry = await run('2026-07-01', true);
    expect(dry).to.include({ dryRun: true, accounts: 1 });
    expect(await hasAccount(id)).to.equal(true);
    expect((await run('2026-07-01')).accounts).to.equal(1);
  });

  it('deletes pupil data 12 years after the last trace, not a day earlier', async function () {
    const id = await leaver();
    expect((await run('2035-06-29')).pupils).to.equal(0);

    const report = await run('2035-07-01');
    expect(report).to.include({ pupils: 1, enrolments: 1 });
    expect(await db('pupils').where({ id }).first()).to.equal(undefined);
    expect(await db('enrolments').where({ pupil_id: id }).first()).to.equal(undefined);
  });

  it('moves 29 February to the 28th in a year without one', function () {
    expect(yearsBefore('2028-02-29', 3)).to.equal('2025-02-28');
    expect(yearsBefore('2028-02-29', 4)).to.equal('2024-02-29');
  });
});
