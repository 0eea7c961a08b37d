/**
 * Authentication with LeerID's own credentials, behind the brute-force
 * limits: a username and password, or a picture chosen on a class page that
 * the school opened on this device.
 */
import type { Account } from '../store/accounts.js';
import type { AccountContext } from './context.js';
import type { ClassSession } from './class-pages.js';
import { verifyPassword } from './passwords.js';
import { policyOf } from './policy.js';
import { BUSY, type ThrottleCheck } from './throttle.js';

export type LoginResult =
  | { ok: true; account: Account }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/** Another check of the same account is running: the caller tries again shortly. */
const TRY_AGAIN: LoginResult = { ok: false, reason: 'locked', retryAfterSeconds: 1 };

export function createLoginService(context: AccountContext) {
  const { throttle, accounts } = context;

  function firstLock(checks: ThrottleCheck[]): LoginResult | undefined {
    const waits = checks.flatMap((check) => (check.allowed ? [] : [check.retryAfterSeconds]));
    return waits.length > 0
      ? { ok: false, reason: 'locked', retryAfterSeconds: Math.max(...waits) }
      : undefined;
  }

  return {
    /**
     * Checks a username and password, one check per username at a time. A
     * locked username or address is refused before the password is looked
     * at; a failure counts against both; a success clears the username's
     * count (when the check found one: most logins have none, and skip that
     * write).
     */
    async withPassword(input: {
      username: string;
      password: string;
      /** The browser's address; absent for an API caller, which has a rate of its own. */
      ip?: string;
    }): Promise<LoginResult> {
      const username = input.username.trim().toLowerCase();
      const result = await throttle.exclusive('passwordAccount', username, () =>
        checkPassword(username, input.password, input.ip),
      );
      return result === BUSY ? TRY_AGAIN : result;
    },

    /**
     * Checks the picture a child chose on a class page, one check per child
     * at a time. Only pupils of that class with the nursery policy may use
     * it; a picture has little entropy, so the limits are stricter and also
     * count per class page.
     */
    async withPicture(input: {
      session: ClassSession;
      pupilId: string;
      picture: string;
      ip: string;
    }): Promise<LoginResult> {
      const result = await throttle.exclusive('pictureAccount', input.pupilId, () =>
        checkPicture(input),
      );
      return result === BUSY ? TRY_AGAIN : result;
    },
  };

  async function checkPassword(
    username: string,
    password: string,
    ip: string | undefined,
  ): Promise<LoginResult> {
    const states = await throttle.inspect([
      { rule: 'passwordAccount', key: username },
      ...(ip ? [{ rule: 'passwordIp' as const, key: ip }] : []),
    ]);
    const locked = firstLock(states.map((state) => state.check));
    if (locked) return locked;

    const account = username ? await accounts.findByUsername(username) : undefined;
    const valid = await verifyPassword(account?.passwordHash, password);
    if (!account || !valid || account.status !== 'active') {
      const after = firstLock([
        await throttle.fail('passwordAccount', username),
        ...(ip ? [await throttle.fail('passwordIp', ip)] : []),
      ]);
      return after ?? { ok: false, reason: 'invalid' };
    }

    if (states[0]?.counted) await throttle.clear('passwordAccount', username);
    return { ok: true, account };
  }

  async function checkPicture(input: {
    session: ClassSession;
    pupilId: string;
    picture: string;
    ip: string;
  }): Promise<LoginResult> {
    {
      const classKey = String(input.session.classId);
      const states = await throttle.inspect([
        { rule: 'pictureAccount', key: input.pupilId },
        { rule: 'pictureClass', key: classKey },
        { rule: 'passwordIp', key: input.ip },
      ]);
      const locked = firstLock(states.map((state) => state.check));
      if (locked) return locked;

      const account = await pictureAccount(context, input.session, input.pupilId);
      if (!account || account.picture !== input.picture) {
        const after = firstLock([
          await throttle.fail('pictureAccount', input.pupilId),
          await throttle.fail('pictureClass', classKey),
          await throttle.fail('passwordIp', input.ip),
        ]);
        return after ?? { ok: false, reason: 'invalid' };
      }

      if (states[0]?.counted) await throttle.clear('pictureAccount', input.pupilId);
      return { ok: true, account };
    }
  }
}

/** The pupil's account when the picture login is open to them on this class page. */
export async function pictureAccount(
  context: AccountContext,
  session: ClassSession,
  pupilId: string,
): Promise<Account | undefined> {
  const members = await context.accounts.findClassMembers(
    session.institutionNumber,
    session.administrativeGroup,
    context.today(),
  );
  const member = members.find((candidate) => candidate.pupilId === pupilId);
  const account = member?.account;
  if (!account || account.status !== 'active' || !account.picture) return undefined;

  const { policy } = await policyOf(context, pupilId);
  return policy.pictureLogin ? account : undefined;
}

export type LoginService = ReturnType<typeof createLoginService>;
