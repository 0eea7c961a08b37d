/**
 * Username and password checks on behalf of an API caller. They count
 * against the same per-account brute-force counter as the login page, so
 * locking an account through one locks it for the other.
 */
import { verifyPassword } from '../accounts/passwords.js';
import type { Throttle } from '../accounts/throttle.js';
import type { AccountStore } from '../store/accounts.js';

export type CredentialOutcome =
  | { result: 'valid'; pupilId: string }
  | { result: 'invalid' }
  | { result: 'locked'; retryAfterSeconds: number };

export type CredentialCheck = (username: string, password: string) => Promise<CredentialOutcome>;

export function createCredentialCheck(accounts: AccountStore, throttle: Throttle): CredentialCheck {
  return async (rawUsername, password) => {
    const username = rawUsername.trim().toLowerCase();
    const waiting = await throttle.check('passwordAccount', username);
    if (!waiting.allowed) return { result: 'locked', retryAfterSeconds: waiting.retryAfterSeconds };

    const account = await accounts.findByUsername(username);
    const valid = await verifyPassword(account?.passwordHash, password);
    if (!account || !valid || account.status !== 'active') {
      const after = await throttle.fail('passwordAccount', username);
      return after.allowed
        ? { result: 'invalid' }
        : { result: 'locked', retryAfterSeconds: after.retryAfterSeconds };
    }

    await throttle.clear('passwordAccount', username);
    return { result: 'valid', pupilId: account.pupilId };
  };
}
