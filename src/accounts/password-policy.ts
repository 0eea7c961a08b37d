/**
 * The rule for a password a pupil chooses (NIST SP 800-63B): at least 8
 * characters, not on the bundled list of common and breached passwords,
 * not the username; no composition rules and no expiry.
 */
import { commonPasswords } from './word-lists.js';

export const MIN_LENGTH = 8;
export const MAX_LENGTH = 128;

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'username' | 'mismatch';

export function checkChosenPassword(
  password: string,
  context: { username?: string | undefined; repeat?: string | undefined } = {},
): PasswordProblem | undefined {
  // Length in code points, so an emoji or an accented letter counts once.
  const length = [...password].length;
  if (length < MIN_LENGTH) return 'too_short';
  if (length > MAX_LENGTH) return 'too_long';

  if (context.repeat !== undefined && context.repeat !== password) return 'mismatch';

  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'common';
  if (context.username && lower.includes(context.username.toLowerCase())) return 'username';

  return undefined;
}
