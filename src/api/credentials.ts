/**
 * Username and password checks on behalf of an API caller, through the same
 * login service as the login page: failures count on the same per-account
 * counter, so locking an account through one door locks it for the other.
 * No per-address limit applies: the caller (ACM) speaks for many pupils from
 * one address and has a request rate of its own.
 */
import type { LoginService } from '../accounts/login.js';

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
