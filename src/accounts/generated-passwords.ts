/**
 * Passwords the school hands to children: two short Dutch words and two
 * digits, e.g. "boomvis47". About 22 bits with the bundled list; guessing
 * online is what the brute-force limits stop, and the school can renew it.
 */
import { randomInt } from 'node:crypto';
import { dutchWords } from './word-lists.js';

// 0 and 1 look like o and l on a printed card.
const DIGITS = '23456789';

export function generatePassword(): string {
  const words = dutchWords();
  const word = () => words[randomInt(words.length)] as string;
  const digit = () => DIGITS[randomInt(DIGITS.length)] as string;

  return `${word()}${word()}${digit()}${digit()}`;
}

/** What a generated password looks like, for tests and the admin console. */
export const GENERATED_PASSWORD_PATTERN = /^[a-z]{6,10}[2-9]{2}$/;
