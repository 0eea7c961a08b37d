/**
 * Whether a pupil's account still stands behind a session or a token that
 * began at a given moment. Blocking the account, or giving it a new password
 * or picture (the school's, the pupil's own, a reset, a handover), ends every
 * session and token from before, so a leaked password or a lost device is cut
 * off at once rather than when the session or the refresh token expires.
 */
import type { PupilAccess } from '../store/pupil-access.js';

/** `sinceSeconds`: the login behind the session or token, seconds since the epoch. */
export function accountStillStands(account: PupilAccess['account'], sinceSeconds: number): boolean {
  if (!account.active) return false;
  if (account.sessionsEndedAt === null) return true;

  // Compared in whole seconds, as login times are kept: a login in the same
  // second as the change counts as after it.
  return Math.floor(account.sessionsEndedAt / 1000) <= sinceSeconds;
}

/** When the login behind a token happened; a token without it dates from its issue. */
export function loginTimeOf(token: { iat?: number | undefined; authTime?: number | undefined }) {
  return token.authTime ?? token.iat ?? 0;
}
