/**
 * E-mailed links: handover (7 days), password reset (1 hour) and recovery
 * e-mail confirmation are signed, single-use and expire; a reset request
 * answers the same whether or not the account exists.
 */
import { expect } from 'chai';
import type { AccountModule } from '../../../src/accounts/index.js';
import type { Db } from '../../../src/store/db.js';
import {
  adminOf,
  DAY,
  HOUR,
  insertChild,
  linkIn,
  MINUTE,
  readOutbox,
  SECOND,
  testAccounts,
  TestClock,
  tokenOf,
} from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { asyncCodeOf } from '../../helpers/errors.js';
import { CHILDREN, NOW, SCHOOL_A } from './accounts.config.js';

const CHOSEN = { password: 'een lange eigen zin', repeat: 'een lange eigen zin' };

describe('signed single-use links', function () {
  let db: Db;
  let accounts: AccountModule;
  let outbox: string;
  const clock = new TestClock(NOW);
  const admin = adminOf(SCHOOL_A);

  beforeEach(async function () {
    clock.set(NOW);
    db = await freshDb();
    ({ accounts, outbox } = testAccounts(db, clock));
  });

  afterEach(async function () {
    await db?.destroy();
  });

  async function teen(name = 'Ruben'): Promise<string> {
    const id = await insertChild(db, { ...CHILDREN.teen, givenName: name });
    await accounts.admin.createAccount(admin, id);
    return id;
  }

  async function handoverToken(pupilId: string, email = 'ruben@example.org'): Promise<string> {
    await accounts.admin.startHandover(admin, pupilId, email);
    const mails = readOutbox(outbox);
    return tokenOf(linkIn(mails[mails.length - 1] as (typeof mails)[number]));
  }

  /** A teenager who took over the account and has a confirmed recovery address. */
  async function selfManaged(): Promise<{ pupilId: string; username: string }> {
    const pupilId = await teen();
    await accounts.self.completeHandover(await handoverToken(pupilId), CHOSEN);
    const view = await accounts.admin.getAccount(admin, pupilId);
    return { pupilId, username: view.username };
  }

  async function resetMails(identifier: string): Promise<number> {
    const before = readOutbox(outbox).length;
    await accounts.self.requestPasswordReset({ identifier, lang: 'nl', ip: '192.0.2.1' });
    await accounts.self.drain();
    return readOutbox(outbox).length - before;
  }

  describe('handover link', function () {
    it('works once: a second use is refused', async function () {
      const token = await handoverToken(await teen());
      await accounts.self.completeHandover(token, CHOSEN);
      expect(await asyncCodeOf(accounts.self.completeHandover(token, CHOSEN))).to.equal(
        'account.link_used',
      );
      expect(await asyncCodeOf(accounts.self.inspectLink(token, 'handover'))).to.equal(
        'account.link_used',
      );
    });

    it('works until 7 days have passed, and not a second after', async function () {
      const early = await handoverToken(await teen('Anna'));
      const late = await handoverToken(await teen('Bert'));

      clock.advance(7 * DAY - MINUTE);
      await accounts.self.completeHandover(early, CHOSEN);

      clock.advance(MINUTE + SECOND);
      expect(await asyncCodeOf(accounts.self.completeHandover(late, CHOSEN))).to.equal(
        'account.link_expired',
      );
    });

    it('is not burnt by a refused password', async function () {
      const token = await handoverToken(await teen());
      const weak = { password: 'welkom123', repeat: 'welkom123' };
      expect(await asyncCodeOf(accounts.self.completeHandover(token, weak))).to.equal(
        'account.password_rejected',
      );
      await accounts.self.completeHandover(token, CHOSEN);
    });

    it('refuses a forged or altered link, and a link for another purpose', async function () {
      const token = await handoverToken(await teen());
      const [header, payload, signature] = token.split('.');
      const forged = `${header}.${payload}.${(signature as string).slice(0, -2)}AA`;
      expect(await asyncCodeOf(accounts.self.completeHandover(forged, CHOSEN))).to.equal(
        'account.link_invalid',
      );
      expect(await asyncCodeOf(accounts.self.completePasswordReset(token, CHOSEN))).to.equal(
        'account.link_invalid',
      );
    });
  });

  describe('forgotten password', function () {
    it('sends a reset link to a self-managed account with a confirmed address', async function () {
      const { username } = await selfManaged();
      expect(await resetMails(username)).to.equal(1);
      expect(await resetMails('ruben@example.org')).to.equal(1);
      const mail = readOutbox(outbox).pop();
      expect(mail?.to).to.equal('ruben@example.org');
      expect(mail?.subject).to.equal('Kies een nieuw LeerID-wachtwoord');
    });

    it('sends nothing for an unknown account or address and returns the same', async function () {
      await selfManaged();
      expect(await resetMails('niemand.bekend')).to.equal(0);
      expect(await resetMails('niemand@example.org')).to.equal(0);
      const answers = await Promise.all([
        accounts.self.requestPasswordReset({ identifier: 'x', lang: 'nl', ip: '192.0.2.9' }),
        accounts.self.requestPasswordReset({ identifier: 'ruben.janssens', lang: 'nl', ip: '1' }),
      ]);
      expect(answers[0]).to.equal(answers[1]);
    });

    it('sends nothing to a school-managed account', async function () {
      const pupilId = await teen();
      const view = await accounts.admin.getAccount(admin, pupilId);
      expect(await resetMails(view.username)).to.equal(0);
    });

    it('gives a link that works once and for one hour', async function () {
      const { username } = await selfManaged();
      await resetMails(username);
      const first = tokenOf(linkIn(readOutbox(outbox).pop() as never));
      await accounts.self.completePasswordReset(first, CHOSEN);
      expect(await asyncCodeOf(accounts.self.completePasswordReset(first, CHOSEN))).to.equal(
        'account.link_used',
      );

      await resetMails(username);
      const second = tokenOf(linkIn(readOutbox(outbox).pop() as never));
      clock.advance(HOUR + SECOND);
      expect(await asyncCodeOf(accounts.self.completePasswordReset(second, CHOSEN))).to.equal(
        'account.link_expired',
      );
    });

    it('dies when the password changed after it was sent, by another link', async function () {
      const { username } = await selfManaged();
      clock.advance(MINUTE);
      await resetMails(username);
      const older = tokenOf(linkIn(readOutbox(outbox).pop() as never));
      clock.advance(MINUTE);
      await resetMails(username);
      const newer = tokenOf(linkIn(readOutbox(outbox).pop() as never));

      clock.advance(MINUTE);
      await accounts.self.completePasswordReset(newer, CHOSEN);
      clock.advance(MINUTE);
      expect(await asyncCodeOf(accounts.self.inspectLink(older, 'reset'))).to.equal(
        'account.link_used',
      );
      expect(await asyncCodeOf(accounts.self.completePasswordReset(older, CHOSEN))).to.equal(
        'account.link_used',
      );
    });

    it('lets the pupil log in with the new password, not the old one', async function () {
      const { username } = await selfManaged();
      await resetMails(username);
      const token = tokenOf(linkIn(readOutbox(outbox).pop() as never));
      const fresh = { password: 'nog een andere zin', repeat: 'nog een andere zin' };
      await accounts.self.completePasswordReset(token, fresh);

      const ip = '192.0.2.7';
      const old = await accounts.login.withPassword({ username, password: CHOSEN.password, ip });
      expect(old.ok).to.equal(false);
      const now = await accounts.login.withPassword({ username, password: fresh.password, ip });
      expect(now.ok).to.equal(true);
    });
  });

  describe('recovery e-mail', function () {
    it('counts only once confirmed, by a single-use link', async function () {
      const { pupilId, username } = await selfManaged();
      await accounts.self.requestRecoveryEmail({
        username,
        password: CHOSEN.password,
        email: 'Nieuw@Example.org',
        lang: 'en',
        ip: '192.0.2.3',
      });
      const mail = readOutbox(outbox).pop();
      expect(mail?.to).to.equal('nieuw@example.org');
      expect(mail?.subject).to.equal('Confirm your recovery e-mail address for LeerID');

      let row = await db('accounts').where({ pupil_id: pupilId }).first();
      expect(row.recovery_email).to.equal('ruben@example.org');

      const token = tokenOf(linkIn(mail as never));
      await accounts.self.confirmRecoveryEmail(token);
      row = await db('accounts').where({ pupil_id: pupilId }).first();
      expect(row.recovery_email).to.equal('nieuw@example.org');
      expect(await asyncCodeOf(accounts.self.confirmRecoveryEmail(token))).to.equal(
        'account.link_used',
      );
    });

    it('is refused to a school-managed account', async function () {
      const pupilId = await teen();
      const { password } = await accounts.admin.generatePassword(admin, pupilId);
      const view = await accounts.admin.getAccount(admin, pupilId);
      const code = await asyncCodeOf(
        accounts.self.requestRecoveryEmail({
          username: view.username,
          password: password as string,
          email: 'a@example.org',
          lang: 'nl',
          ip: '192.0.2.3',
        }),
      );
      expect(code).to.equal('account.school_managed');
    });
  });

  describe('changing the password', function () {
    it('needs the current password', async function () {
      const { username } = await selfManaged();
      const chosen = { password: 'weer een nieuwe zin', repeat: 'weer een nieuwe zin' };
      const wrong = await asyncCodeOf(
        accounts.self.changePassword({ username, currentPassword: 'fout', chosen, ip: '1' }),
      );
      expect(wrong).to.equal('account.wrong_credentials');

      await accounts.self.changePassword({
        username,
        currentPassword: CHOSEN.password,
        chosen,
        ip: '1',
      });
      const login = await accounts.login.withPassword({ username, ...chosen, ip: '1' });
      expect(login.ok).to.equal(true);
    });

    it('has no expiry: the password still works years later', async function () {
      const { username } = await selfManaged();
      clock.advance(5 * 365 * DAY);
      const login = await accounts.login.withPassword({ username, ...CHOSEN, ip: '1' });
      expect(login.ok).to.equal(true);
    });
  });
});
