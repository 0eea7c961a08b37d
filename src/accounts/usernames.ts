/**
 * The username scheme, in one place for the sync and for accounts made at a
 * school's request. A username is readable, lower-case ASCII, never derived
 * from the INSZ, made once and never changed. When the base is taken, the
 * second pupil gets base2, the third base3, and so on.
 */
import type { USERNAME_SCHEMES } from '../config/accounts.js';

export type UsernameScheme = (typeof USERNAME_SCHEMES)[number];

const MAX_PART = 30;

/** The base of a username for `scheme`, e.g. "Zoë Van den Broeck" -> "zoe.vandenbroeck". */
export function usernameBase(
  givenName: string,
  familyName: string,
  scheme: UsernameScheme = 'given.family',
): string {
  const given = asciiPart(givenName) || 'leerling';
  const family = asciiPart(familyName) || 'x';

  switch (scheme) {
    case 'given.family':
      return `${given}.${family}`;
    case 'given.f':
      return `${given}.${family.slice(0, 1)}`;
    case 'givenfamily':
      return `${given}${family}`;
  }
}

/** The n-th username of a base: the first is the base itself. */
export function numberedUsername(base: string, n: number): string {
  return n <= 1 ? base : `${base}${n}`;
}

/** Names repeat a lot in a dump; normalising each only once saves time at scale. */
const seen = new Map<string, string>();

function asciiPart(name: string): string {
  let part = seen.get(name);
  if (part === undefined) {
    const plain = /^[A-Za-z]+$/.test(name) ? name : name.normalize('NFKD');
    // Digits are dropped too, so the number appended to a taken base stays unambiguous.
    part = plain
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .slice(0, MAX_PART);
    if (seen.size > 50_000) seen.clear();
    seen.set(name, part);
  }
  return part;
}
