/**
 * Brute-force limits: free typos, then growing delays, then a temporary
 * lock, per username and per address; stricter for the picture login.
 * The clock is moved by hand: no test waits.
 */
import { expect } from 'chai';
import type { AccountModule } from '../../../src/accounts/index.js';
import type { LoginResult } from '../../../src/accounts/login.js';
import { delayAfter, RULES } from '../../../src/accounts/throttle.js';
import type { Db } from '../../../src/store/db.js';
import {
  adminOf,
  insertChild,
  MINUTE,
  SECOND,
  testAccounts,
  TestClock,
} from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { CHILDREN, NOW, SCHOOL_A } from './accounts.config.js';

describe('brute-force protection', function () {
  let db: Db;
  let accounts: AccountModule;
  const clock = new TestClock(NOW);
  const admin = adminOf(SCHOOL_A);
  let username = '';
  let password = '';

  beforeEach(async function () {
    clock.set(NOW);
    db = await freshDb();
    ({ accounts } = testAccounts(db, clock));
    const pupilId = await insertChild(db, CHILDREN.primary);
    const credential = await accounts.admin.createAccount(admin, pupilId);
    username = credential.username;
    password = credential.password as string;
  });

  afterEach(async function () {
    await db?.destroy();
  });

  const attempt = (guess: string, ip = '192.0.2.1', name = username) =>
    accounts.login.withPassword({ username: name, password: guess, ip });

  function lockedFor(result: LoginResult): number | undefined {
    return !result.ok && result.reason === 'locked' ? result.retryAfterSeconds : undefined;
  }

  it('grows the delay after the free failures, up to the lock', function () {
    const rule = RULES.passwordAccount;
    expect([1, 5].map((n) => delayAfter(rule, n))).to.deep.equal([0, 0]);
    expect([6, 7, 8, 9].map((n) => delayAfter(rule, n) / SECOND)).to.deep.equal([1, 2, 4, 8]);
    expect(delayAfter(rule, 10)).to.equal(15 * MINUTE);
  });

  it('lets five typos pass, then makes the next attempt wait', async function () {
    for (let i = 0; i < 5; i += 1)
      expect(await attempt('fout')).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(lockedFor(await attempt('fout'))).to.equal(1);

    // Even the right password waits, and is not checked meanwhile.
    expect(lockedFor(await attempt(password))).to.equal(1);
    clock.advance(SECOND);
    expect((await attempt(password)).ok).to.equal(true);
  });

  it('locks the account after ten failures and releases it after 15 minutes', async function () {
    for (let failures = 0; failures < 10; failures += 1) {
      await attempt('fout');
      clock.advance(20 * SECOND);
    }
    clock.advance(-20 * SECOND);
    expect(lockedFor(await attempt(password))).to.equal(15 * 60);

    clock.advance(15 * MINUTE - SECOND);
    expect(lockedFor(await attempt(password))).to.equal(1);

    clock.advance(SECOND);
    expect((await attempt(password)).ok).to.equal(true);
  });

  it('clears the count of the account after a success', async function () {
    for (let i = 0; i < 5; i += 1) await attempt('fout');
    expect((await attempt(password)).ok).to.equal(true);
    for (let i = 0; i < 5; i += 1) expect(lockedFor(await attempt('fout'))).to.equal(undefined);
  });

  it('locks an address that tries many usernames', async function () {
    // The production limit is in the thousands; the mechanism is the same.
    const rule = { ...RULES.passwordIp, free: 20, lockAfter: 40 };
    ({ accounts } = testAccounts(db, clock, {}, { passwordIp: rule }));
    let wait: number | undefined;
    for (let i = 0; i < rule.lockAfter && wait !== rule.lockMs / SECOND; i += 1) {
      wait = lockedFor(await attempt('fout', '198.51.100.7', `gok${i}`));
      clock.advance((wait ?? 0) * SECOND);
    }
    clock.advance(-(wait ?? 0) * SECOND);
    expect(wait).to.equal(15 * 60);
    expect(lockedFor(await attempt(password, '198.51.100.7'))).to.be.greaterThan(0);
    // Another address is not affected.
    expect((await attempt(password, '198.51.100.8')).ok).to.equal(true);
  });

  it('checks one guess of a burst sent at once and refuses the rest unchecked', async function () {
    // The right password hides among 30 guesses that all arrive together.
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 15 ? password : `fout${i}`));
    const results = await Promise.all(guesses.map((guess) => attempt(guess)));

    const checked = results.filter((result) => lockedFor(result) === undefined);
    expect(checked).to.have.length(1);
    expect(results.filter((result) => lockedFor(result) === 1)).to.have.length(29);
    const counted = await db('key_values')
      .where({ key: `throttle:passwordAccount:${username}:n` })
      .first();
    expect(Number(counted?.count ?? 0)).to.be.at.most(1);

    // The turn is free again for the next attempt.
    expect((await attempt(password)).ok).to.equal(true);
  });

  it('locks the same way for a username that does not exist', async function () {
    for (let i = 0; i < 6; i += 1) await attempt('fout', '192.0.2.1', 'bestaat.niet');
    expect(lockedFor(await attempt('fout', '192.0.2.1', 'bestaat.niet'))).to.equal(1);
  });

  it('is stricter for pictures: a lock after five wrong picks, for 30 minutes', function () {
    const rule = RULES.pictureAccount;
    expect(rule.free).to.be.lessThan(RULES.passwordAccount.free);
    expect(delayAfter(rule, 5)).to.equal(30 * MINUTE);
    expect(delayAfter(rule, 5)).to.be.greaterThan(delayAfter(RULES.passwordAccount, 10));
  });

  it('allows a locked account to be released by the administrator', async function () {
    for (let i = 0; i < 10; i += 1) {
      await attempt('fout');
      clock.advance(20 * SECOND);
    }
    expect(lockedFor(await attempt(password))).to.be.greaterThan(0);
    const pupil = await db('accounts').where({ username }).first();
    await accounts.admin.clearLoginLock(admin, pupil.pupil_id);
    expect((await attempt(password)).ok).to.equal(true);
  });
});
