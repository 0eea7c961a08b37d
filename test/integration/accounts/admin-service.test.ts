/**
 * The administrator's services: accounts by age group, the encrypted school
 * copy readable by the pupil's current schools only, handover rules.
 */
import { expect } from 'chai';
import { GENERATED_PASSWORD_PATTERN } from '../../../src/accounts/generated-passwords.js';
import type { AccountModule } from '../../../src/accounts/index.js';
import type { Db } from '../../../src/store/db.js';
import {
  adminOf,
  insertChild,
  readOutbox,
  testAccounts,
  TestClock,
} from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { asyncCodeOf } from '../../helpers/errors.js';
import { CHILDREN, NOW, SCHOOL_A, SCHOOL_B, SCHOOL_X } from './accounts.config.js';

describe('account services for school administrators', function () {
  let db: Db;
  let accounts: AccountModule;
  let outbox: string;
  const clock = new TestClock(NOW);
  const ids = { nursery: '', primary: '', twelve: '', teen: '' };
  const adminA = adminOf(SCHOOL_A);

  before(async function () {
    db = await freshDb();
    for (const key of Object.keys(ids) as (keyof typeof ids)[]) {
      ids[key] = await insertChild(db, CHILDREN[key]);
    }
    ({ accounts, outbox } = testAccounts(db, clock));
  });

  after(async function () {
    await db?.destroy();
  });

  it('gives a nursery pupil a picture and no password', async function () {
    const credential = await accounts.admin.createAccount(adminA, ids.nursery);
    expect(credential.username).to.equal('lotte.vandenbroeck');
    expect(credential.picture?.id).to.be.a('string');
    expect(credential.password).to.equal(undefined);

    const view = await accounts.admin.getAccount(adminA, ids.nursery);
    expect(view).to.include({ ageGroup: 'nursery', managedBy: 'school', hasPassword: false });
  });

  it('gives a primary pupil a generated password the school can read back', async function () {
    const credential = await accounts.admin.createAccount(adminA, ids.primary);
    expect(credential.username).to.equal('mats.peeters');
    expect(credential.password).to.match(GENERATED_PASSWORD_PATTERN);

    expect(await accounts.admin.readSchoolPassword(adminA, ids.primary)).to.equal(
      credential.password,
    );
    const row = await db('accounts').where({ pupil_id: ids.primary }).first();
    expect(row.school_copy).not.to.contain(credential.password);
    expect(row.password_hash).to.match(/^\$argon2id\$/);
  });

  it('keeps the credential when the account is made a second time', async function () {
    const first = await accounts.admin.createAccount(adminA, ids.primary);
    const second = await accounts.admin.createAccount(adminA, ids.primary);
    expect(second.password).to.equal(first.password);
  });

  it('numbers a username whose base is taken, like the sync does', async function () {
    const twin = await insertChild(db, { ...CHILDREN.primary, noAccount: true });
    const credential = await accounts.admin.createAccount(adminA, twin);
    expect(credential.username).to.equal('mats.peeters2');
  });

  it('shows the copy to every school with a current enrolment and to no other', async function () {
    const { password } = await accounts.admin.createAccount(adminOf(SCHOOL_B), ids.teen);
    expect(await accounts.admin.readSchoolPassword(adminA, ids.teen)).to.equal(password);
    expect(await accounts.admin.readSchoolPassword(adminOf(SCHOOL_B), ids.teen)).to.equal(password);
    // School X's enrolment ended in June: it sees nothing any more.
    expect(
      await asyncCodeOf(accounts.admin.readSchoolPassword(adminOf(SCHOOL_X), ids.teen)),
    ).to.equal('account.forbidden');
    expect(
      await asyncCodeOf(accounts.admin.readSchoolPassword(adminOf('000555'), ids.teen)),
    ).to.equal('account.forbidden');
  });

  it('answers an unknown pupil like a pupil of another school', async function () {
    const code = await asyncCodeOf(
      accounts.admin.getAccount(adminA, '00000000-0000-4000-8000-000000000000'),
    );
    expect(code).to.equal('account.forbidden');
  });

  it('generates passwords for a whole class, a picture for nursery pupils', async function () {
    const letters = await accounts.admin.generateClassCredentials(adminA, SCHOOL_A, '3A');
    expect(letters.map((letter) => letter.username)).to.have.members([
      'mats.peeters',
      'mats.peeters2',
    ]);
    for (const letter of letters) expect(letter.password).to.match(GENERATED_PASSWORD_PATTERN);

    const cards = await accounts.admin.generateClassCredentials(adminA, SCHOOL_A, 'K2A');
    expect(cards).to.have.length(1);
    expect(cards[0]?.picture).to.be.an('object');

    expect(
      await asyncCodeOf(accounts.admin.generateClassCredentials(adminOf(SCHOOL_B), SCHOOL_A, '3A')),
    ).to.equal('account.forbidden');
  });

  it('refuses a handover to a pupil under 13', async function () {
    await accounts.admin.createAccount(adminOf(SCHOOL_B), ids.twelve);
    const code = await asyncCodeOf(
      accounts.admin.startHandover(adminOf(SCHOOL_B), ids.twelve, 'ella@example.org'),
    );
    expect(code).to.equal('account.too_young');
    expect(readOutbox(outbox)).to.have.length(0);
  });

  it('refuses a handover to an invalid address', async function () {
    const code = await asyncCodeOf(
      accounts.admin.startHandover(adminA, ids.teen, 'not-an-address'),
    );
    expect(code).to.equal('account.email_invalid');
  });

  it('destroys the copy when a teenager takes over and sets a password', async function () {
    await accounts.admin.startHandover(adminA, ids.teen, 'ruben@example.org', 'en');
    const [mail] = readOutbox(outbox);
    expect(mail?.to).to.equal('ruben@example.org');
    expect(mail?.subject).to.equal('Take over your LeerID account');
    const token = /overdracht\/([^?\s]+)/.exec(mail?.text ?? '')?.[1] as string;

    await accounts.self.completeHandover(token, {
      password: 'mijn eigen lange zin',
      repeat: 'mijn eigen lange zin',
    });

    const row = await db('accounts').where({ pupil_id: ids.teen }).first();
    expect(row.school_copy).to.equal(null);
    expect(row.managed_by).to.equal('pupil');
    expect(row.recovery_email).to.equal('ruben@example.org');
    expect(await asyncCodeOf(accounts.admin.readSchoolPassword(adminA, ids.teen))).to.equal(
      'account.no_password_copy',
    );
    expect(await asyncCodeOf(accounts.admin.generatePassword(adminA, ids.teen))).to.equal(
      'account.self_managed',
    );
    const view = await accounts.admin.getAccount(adminA, ids.teen);
    expect(view).to.include({ managedBy: 'pupil', passwordVisibleToSchool: false });
  });

  it('blocks and unblocks an account', async function () {
    const { password } = await accounts.admin.generatePassword(adminA, ids.primary);
    await accounts.admin.blockAccount(adminA, ids.primary);
    const blocked = await accounts.login.withPassword({
      username: 'mats.peeters',
      password: password as string,
      ip: '192.0.2.10',
    });
    expect(blocked.ok).to.equal(false);

    await accounts.admin.unblockAccount(adminA, ids.primary);
    const open = await accounts.login.withPassword({
      username: 'mats.peeters',
      password: password as string,
      ip: '192.0.2.10',
    });
    expect(open.ok).to.equal(true);
  });
});
