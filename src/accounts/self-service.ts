/**
 * What a pupil does alone: take over the account from a handover link,
 * change the password, set a recovery e-mail (confirmed by a link), and
 * reset a forgotten password by e-mail. Requests about an account never tell
 * whether it exists.
 */
import { LeerIdError } from '../errors/index.js';
import { confirmEmailMessage, resetMessage, type Lang } from '../mail/messages.js';
import type { Account } from '../store/accounts.js';
import { pageLink } from './admin-service.js';
import { now, type AccountContext } from './context.js';
import { isEmailAddress, normaliseEmail } from './email-address.js';
import type { LinkClaims, LinkPurpose } from './link-tokens.js';
import type { LoginService } from './login.js';
import { hashPassword } from './passwords.js';
import { checkChosenPassword, type PasswordProblem } from './password-policy.js';

export interface ChosenPassword {
  password: string;
  repeat: string;
}

/** A refused password, with the rule it broke for the page to explain. */
export class PasswordRejected extends LeerIdError {
  constructor(readonly problem: PasswordProblem) {
    super('account.password_rejected', `password refused: ${problem}`);
  }
}

export function createSelfService(context: AccountContext, login: LoginService) {
  const { accounts, links, throttle } = context;

  /** Mail sent after the answer, so its cost does not tell that an account exists. */
  const pending = new Set<Promise<void>>();
  function sendLater(send: () => Promise<void>) {
    const job = send()
      .catch((err: unknown) => context.logger.warn({ err }, 'self-service e-mail failed'))
      .finally(() => pending.delete(job));
    pending.add(job);
  }

  async function accountForLink(claims: LinkClaims): Promise<Account> {
    const account = await accounts.findByPupilId(claims.subject);
    if (!account) throw new LeerIdError('account.link_invalid', 'Deze link is ongeldig.');
    return account;
  }

  function checkPassword(account: Account, chosen: ChosenPassword) {
    const problem = checkChosenPassword(chosen.password, {
      username: account.username,
      repeat: chosen.repeat,
    });
    if (problem) throw new PasswordRejected(problem);
  }

  async function signedIn(username: string, password: string, ip: string): Promise<Account> {
    const result = await login.withPassword({ username, password, ip });
    if (result.ok) {
      if (result.account.managedBy !== 'pupil') {
        throw new LeerIdError('account.school_managed', 'Je school beheert dit account.', {
          status: 409,
        });
      }
      return result.account;
    }
    if (result.reason === 'locked') {
      throw new LeerIdError('account.locked', 'Te veel mislukte pogingen.', {
        status: 429,
        detail: String(result.retryAfterSeconds),
      });
    }
    throw new LeerIdError('account.wrong_credentials', 'Gebruikersnaam of wachtwoord klopt niet.', {
      status: 401,
    });
  }

  /**
   * Several reset links may be out at once (each request mails one); once
   * the password changed, by one of them or otherwise, the older ones are
   * dead. Compared in whole seconds, as the link's time is signed.
   */
  function refuseSupersededReset(claims: LinkClaims, account: Account): void {
    const changed = account.passwordChangedAt;
    if (changed !== null && claims.issuedAt < Math.floor(changed / 1000)) {
      throw new LeerIdError('account.link_used', 'Je wachtwoord werd intussen al gewijzigd.', {
        status: 410,
      });
    }
  }

  return {
    /** The claims of a link still to be used, for the page that shows its form. */
    async inspectLink(token: string, purpose: LinkPurpose): Promise<LinkClaims> {
      const claims = await links.verify(token, purpose);
      const account = await accountForLink(claims);
      if (await links.isUsed(claims)) {
        throw new LeerIdError('account.link_used', 'Deze link werd al gebruikt.', { status: 410 });
      }
      if (purpose === 'reset') refuseSupersededReset(claims, account);
      if (purpose === 'handover' && account.managedBy === 'pupil') {
        throw new LeerIdError('account.link_used', 'Dit account werd al overgenomen.', {
          status: 410,
        });
      }
      return claims;
    },

    /** Handover: the pupil chooses a password and from now on manages the account. */
    async completeHandover(token: string, chosen: ChosenPassword): Promise<Account> {
      const claims = await links.verify(token, 'handover');
      const account = await accountForLink(claims);
      if (account.managedBy === 'pupil') {
        throw new LeerIdError('account.link_used', 'Dit account werd al overgenomen.', {
          status: 410,
        });
      }
      checkPassword(account, chosen);
      await links.consume(claims);

      const hash = await hashPassword(chosen.password);
      await accounts.handOver(account.pupilId, hash, claims.email ?? '', now(context));
      await throttle.clear('passwordAccount', account.username);
      return account;
    },

    /** Changes the password of a self-managed account, with the current one. */
    async changePassword(input: {
      username: string;
      currentPassword: string;
      chosen: ChosenPassword;
      ip: string;
    }): Promise<void> {
      const account = await signedIn(input.username, input.currentPassword, input.ip);
      checkPassword(account, input.chosen);
      await accounts.setOwnPassword(
        account.pupilId,
        await hashPassword(input.chosen.password),
        now(context),
      );
    },

    /** Sends a confirmation link to a new recovery address; it counts once confirmed. */
    async requestRecoveryEmail(input: {
      username: string;
      password: string;
      email: string;
      lang: Lang;
      ip: string;
    }): Promise<void> {
      const email = normaliseEmail(input.email);
      if (!isEmailAddress(email)) {
        throw new LeerIdError('account.email_invalid', 'Dit e-mailadres is ongeldig.');
      }
      const account = await signedIn(input.username, input.password, input.ip);

      const hours = context.config.accounts.confirmTtlHours;
      const token = await links.sign('confirm-email', account.pupilId, hours * 3600, { email });
      const link = pageLink(context, `/account/e-mail-bevestigen/${token}`, input.lang);
      await context.mailer.send({
        to: email,
        ...confirmEmailMessage(input.lang, { username: account.username, link, hours }),
      });
    },

    async confirmRecoveryEmail(token: string): Promise<void> {
      const claims = await links.verify(token, 'confirm-email');
      const account = await accountForLink(claims);
      if (account.managedBy !== 'pupil' || !claims.email) {
        throw new LeerIdError('account.link_invalid', 'Deze link is ongeldig.');
      }
      await links.consume(claims);
      await accounts.setRecoveryEmail(account.pupilId, claims.email, now(context));
    },

    /**
     * Forgotten password, by username or recovery address. Whatever the
     * outcome, it returns the same (nothing) at about the same time: a
     * self-managed account with a confirmed address gets a link by e-mail.
     */
    async requestPasswordReset(input: { identifier: string; lang: Lang; ip: string }) {
      const identifier = input.identifier.trim().toLowerCase();
      // Every request counts: this stops mail floods, per address and per name.
      const checks = [
        await throttle.fail('selfService', `reset:${input.ip}`),
        await throttle.fail('selfService', `reset:${identifier}`),
      ];
      if (!identifier || checks.some((check) => !check.allowed)) return;

      sendLater(async () => {
        const found = identifier.includes('@')
          ? await accounts.findByRecoveryEmail(identifier)
          : [await accounts.findByUsername(identifier)].filter((a) => a !== undefined);
        const minutes = context.config.accounts.resetTtlMinutes;

        for (const account of found) {
          if (account.managedBy !== 'pupil' || !account.recoveryEmail) continue;
          if (account.status !== 'active') continue;
          const token = await links.sign('reset', account.pupilId, minutes * 60);
          const link = pageLink(context, `/account/nieuw-wachtwoord/${token}`, input.lang);
          await context.mailer.send({
            to: account.recoveryEmail,
            ...resetMessage(input.lang, { username: account.username, link, minutes }),
          });
        }
      });
    },

    async completePasswordReset(token: string, chosen: ChosenPassword): Promise<Account> {
      const claims = await links.verify(token, 'reset');
      const account = await accountForLink(claims);
      if (account.managedBy !== 'pupil') {
        throw new LeerIdError('account.link_invalid', 'Deze link is ongeldig.');
      }
      refuseSupersededReset(claims, account);
      checkPassword(account, chosen);
      await links.consume(claims);

      await accounts.setOwnPassword(
        account.pupilId,
        await hashPassword(chosen.password),
        now(context),
      );
      await throttle.clear('passwordAccount', account.username);
      return account;
    },

    /** Waits for e-mails still being sent (tests; shutdown). */
    async drain(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type SelfService = ReturnType<typeof createSelfService>;
