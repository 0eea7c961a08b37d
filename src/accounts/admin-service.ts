/**
 * What a school's LeerID-beheerder does with accounts, for the admin console:
 * make accounts, generate passwords for a pupil or a class, read the
 * school-visible password, give pictures, hand an account over to the
 * pupil, block and unblock. Every function checks first that the pupil has
 * a current enrolment in one of the administrator's schools.
 */
import { LeerIdError } from '../errors/index.js';
import { handoverMessage, type Lang } from '../mail/messages.js';
import type { Account } from '../store/accounts.js';
import type { AgeGroup } from './age-group.js';
import type { SchoolAdmin } from './authorization.js';
import { now, type AccountContext } from './context.js';
import { generatePassword } from './generated-passwords.js';
import { hashPassword } from './passwords.js';
import { pictureById, randomPicture, type Picture } from './pictures.js';
import { policyOf } from './policy.js';
import { ensureAccount } from './provisioning.js';
import { decryptCopy, encryptCopy } from './school-copy.js';
import { isEmailAddress } from './email-address.js';

/** An account as a school sees it: no hash, no copy, no birth date. */
export interface AccountView {
  pupilId: string;
  username: string;
  givenName: string;
  familyName: string;
  ageGroup: AgeGroup;
  managedBy: Account['managedBy'];
  status: Account['status'];
  hasPassword: boolean;
  /** True while the school can read the password (a generated one). */
  passwordVisibleToSchool: boolean;
  picture: Picture | null;
  hasRecoveryEmail: boolean;
  createdAt: number;
  lastLoginAt: number | null;
  handedOverAt: number | null;
}

/** A login letter's content: the password or the picture, once, for printing. */
export interface Credential {
  pupilId: string;
  username: string;
  givenName: string;
  familyName: string;
  password?: string;
  picture?: Picture;
}

export function createAdminService(context: AccountContext) {
  const { accounts, authorization } = context;

  async function view(pupilId: string): Promise<AccountView> {
    const account = await ensureAccount(context, pupilId);
    const holder = await accounts.findHolder(pupilId);
    const { group } = await policyOf(context, pupilId);
    return {
      pupilId,
      username: account.username,
      givenName: holder?.givenName ?? '',
      familyName: holder?.familyName ?? '',
      ageGroup: group,
      managedBy: account.managedBy,
      status: account.status,
      hasPassword: account.passwordHash !== null,
      passwordVisibleToSchool: account.schoolCopy !== null,
      picture: account.picture ? (pictureById(account.picture) ?? null) : null,
      hasRecoveryEmail: account.recoveryEmail !== null,
      createdAt: account.createdAt,
      lastLoginAt: account.lastLoginAt,
      handedOverAt: account.handedOverAt,
    };
  }

  async function setGeneratedPassword(account: Account): Promise<string> {
    if (account.managedBy === 'pupil') {
      throw new LeerIdError('account.self_managed', 'De leerling beheert dit account zelf.', {
        status: 409,
      });
    }
    const password = generatePassword();
    const copy = encryptCopy(context.keys.copyKey, account.pupilId, password);
    await accounts.setSchoolPassword(
      account.pupilId,
      await hashPassword(password),
      copy,
      now(context),
    );
    return password;
  }

  async function credentialFor(pupilId: string, regenerate: boolean): Promise<Credential> {
    const account = await ensureAccount(context, pupilId);
    const holder = await accounts.findHolder(pupilId);
    const { policy } = await policyOf(context, pupilId);
    const base = {
      pupilId,
      username: account.username,
      givenName: holder?.givenName ?? '',
      familyName: holder?.familyName ?? '',
    };

    if (policy.initialCredential === 'picture') {
      const picture =
        (!regenerate && account.picture && pictureById(account.picture)) || randomPicture();
      if (picture.id !== account.picture) {
        await accounts.setPicture(pupilId, picture.id, now(context));
      }
      return { ...base, picture };
    }

    if (account.managedBy === 'pupil') return base;
    if (!regenerate && account.schoolCopy) {
      const password = decryptCopy(context.keys.copyKey, pupilId, account.schoolCopy);
      if (password) return { ...base, password };
    }
    return { ...base, password: await setGeneratedPassword(account) };
  }

  return {
    /** The account as the school sees it. */
    async getAccount(admin: SchoolAdmin, pupilId: string): Promise<AccountView> {
      await authorization.assertManages(admin, pupilId);
      return view(pupilId);
    },

    /**
     * Makes the pupil's account at once (the sync makes it otherwise) with
     * its first credential by age group: a picture for nursery pupils, a
     * generated password for the others. Calling it again changes nothing.
     */
    async createAccount(admin: SchoolAdmin, pupilId: string): Promise<Credential> {
      await authorization.assertManages(admin, pupilId);
      return credentialFor(pupilId, false);
    },

    /** A new generated password for a school-managed account; the old one stops working. */
    async generatePassword(admin: SchoolAdmin, pupilId: string): Promise<Credential> {
      await authorization.assertManages(admin, pupilId);
      const account = await ensureAccount(context, pupilId);
      const holder = await accounts.findHolder(pupilId);
      return {
        pupilId,
        username: account.username,
        givenName: holder?.givenName ?? '',
        familyName: holder?.familyName ?? '',
        password: await setGeneratedPassword(account),
      };
    },

    /**
     * Credentials for a whole class (one administrative group), for login
     * letters and picture cards. Without `regenerate` a pupil keeps the
     * password or picture they have; self-managed pupils are listed without one.
     */
    async generateClassCredentials(
      admin: SchoolAdmin,
      institutionNumber: string,
      administrativeGroup: string,
      options: { regenerate?: boolean } = {},
    ): Promise<Credential[]> {
      authorization.assertAdminOf(admin, institutionNumber);
      const members = await accounts.findClassMembers(
        institutionNumber,
        administrativeGroup,
        context.today(),
      );
      const result: Credential[] = [];
      for (const member of members) {
        result.push(await credentialFor(member.pupilId, options.regenerate ?? false));
      }
      return result;
    },

    /** The generated password, for an administrator of one of the pupil's schools. */
    async readSchoolPassword(admin: SchoolAdmin, pupilId: string): Promise<string> {
      await authorization.assertManages(admin, pupilId);
      const account = await accounts.findByPupilId(pupilId);
      const password =
        account?.schoolCopy && decryptCopy(context.keys.copyKey, pupilId, account.schoolCopy);
      if (!password) {
        throw new LeerIdError(
          'account.no_password_copy',
          'De school kan dit wachtwoord niet (meer) zien.',
          { status: 404 },
        );
      }
      return password;
    },

    /** A new picture for the picture login (the old one stops working). */
    async assignPicture(admin: SchoolAdmin, pupilId: string): Promise<Picture> {
      await authorization.assertManages(admin, pupilId);
      await ensureAccount(context, pupilId);
      const picture = randomPicture();
      await accounts.setPicture(pupilId, picture.id, now(context));
      return picture;
    },

    /**
     * Sends the pupil (13 or older, school-managed) an e-mail with a signed,
     * single-use link; following it, the pupil chooses a password and the
     * account becomes self-managed.
     */
    async startHandover(
      admin: SchoolAdmin,
      pupilId: string,
      email: string,
      lang: Lang = 'nl',
    ): Promise<{ expiresAt: number }> {
      await authorization.assertManages(admin, pupilId);
      const address = email.trim();
      if (!isEmailAddress(address)) {
        throw new LeerIdError('account.email_invalid', 'Dit e-mailadres is ongeldig.');
      }

      const account = await ensureAccount(context, pupilId);
      if (account.managedBy === 'pupil') {
        throw new LeerIdError('account.self_managed', 'De leerling beheert dit account al.', {
          status: 409,
        });
      }
      const { policy } = await policyOf(context, pupilId);
      if (!policy.mayTakeOver) {
        throw new LeerIdError('account.too_young', 'De leerling is jonger dan 13 jaar.', {
          status: 409,
        });
      }

      const days = context.config.accounts.handoverTtlDays;
      const token = await context.links.sign('handover', pupilId, days * 86_400, {
        email: address,
      });
      const holder = await accounts.findHolder(pupilId);
      const link = pageLink(context, `/account/overdracht/${token}`, lang);
      await context.mailer.send({
        to: address,
        ...handoverMessage(lang, {
          givenName: holder?.givenName ?? '',
          username: account.username,
          link,
          days,
        }),
      });
      return { expiresAt: now(context) + days * 86_400_000 };
    },

    async blockAccount(admin: SchoolAdmin, pupilId: string): Promise<void> {
      await authorization.assertManages(admin, pupilId);
      await ensureAccount(context, pupilId);
      await accounts.setStatus(pupilId, 'blocked', now(context));
    },

    async unblockAccount(admin: SchoolAdmin, pupilId: string): Promise<void> {
      await authorization.assertManages(admin, pupilId);
      await accounts.setStatus(pupilId, 'active', now(context));
    },

    /** Lifts a brute-force lock on the pupil's password and picture login. */
    async clearLoginLock(admin: SchoolAdmin, pupilId: string): Promise<void> {
      await authorization.assertManages(admin, pupilId);
      const account = await accounts.findByPupilId(pupilId);
      if (account) await context.throttle.clear('passwordAccount', account.username);
      await context.throttle.clear('pictureAccount', pupilId);
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;

/** An absolute link to one of LeerID's own pages, in the reader's language. */
export function pageLink(context: AccountContext, path: string, lang: Lang): string {
  // Appended, not resolved: an issuer may live under a path.
  const url = new URL(`${context.config.issuer.replace(/\/$/, '')}${path}`);
  if (lang === 'en') url.searchParams.set('lang', 'en');
  return url.toString();
}
