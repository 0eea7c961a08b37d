/**
 * Username and password checks on behalf of an API caller, through the same
 * login service as the login page: failures count on the same per-account
 * counter, so locking an account through one door locks it for the other.
 * No per-address limit applies: the caller (ACM) speaks for many pupils from
 * one address and has a request rate of its own.
 * Only for pupils the caller may see: any other username is refused by
 * refuseUnseen, before and without the login service.
 */
import type { LoginService } from '../accounts/login.js';
import { verifyPassword } from '../accounts/passwords.js';

export type CredentialOutcome =
  | { result: 'valid'; pupilId: string }
  | { result: 'invalid' }
  | { result: 'locked'; retryAfterSeconds: number };

export type CredentialCheck = (username: string, password: string) => Promise<CredentialOutcome>;

export function createCredentialCheck(login: LoginService): CredentialCheck {
  return async (username, password) => {
    const outcome = await login.withPassword({ username, password });
    if (outcome.ok) return { result: 'valid', pupilId: outcome.account.pupilId };
    if (outcome.reason === 'locked') {
      return { result: 'locked', retryAfterSeconds: outcome.retryAfterSeconds };
    }
    return { result: 'invalid' };
  };
}

/**
 * The answer for a username the caller may not see, unknown or a pupil of
 * other schools alike: invalid, after the decoy verification the login
 * service spends on an unknown username, so neither answer nor time tells
 * them apart. No failure is counted: a caller's guesses must not lock out
 * a pupil it cannot see.
 */
export async function refuseUnseen(password: string): Promise<CredentialOutcome> {
  await verifyPassword(undefined, password);
  return { result: 'invalid' };
}
