/**
 * Key rotation as list operations. Keys are kept newest first: the first
 * key of each algorithm signs (oidc-provider picks the first match), older
 * ones stay published so tokens they signed still verify. A key is retired
 * once the key that replaced it has been signing for the overlap period, so
 * no token it signed can still be valid (ID and access tokens live 1 hour).
 */
import type { CookieKey, StoredJwk } from './keys.js';

export interface Rotation<T> {
  keys: T[];
  retired: T[];
}

/** Puts `fresh` in front and keeps everything else. */
export function addSigningKeys(keys: StoredJwk[], fresh: StoredJwk[]): StoredJwk[] {
  return [...fresh, ...keys];
}

/**
 * Drops the keys that stopped signing at least `overlapMs` ago: a key
 * stopped signing when the next newer key of its algorithm was created.
 */
export function retireSigningKeys(
  keys: StoredJwk[],
  now: Date,
  overlapMs: number,
): Rotation<StoredJwk> {
  const newerCreated = new Map<string, string | undefined>();
  const kept: StoredJwk[] = [];
  const retired: StoredJwk[] = [];

  for (const key of keys) {
    const alg = String(key.alg);
    const isCurrent = !newerCreated.has(alg);
    if (isCurrent || !isPast(newerCreated.get(alg), now, overlapMs)) kept.push(key);
    else retired.push(key);
    newerCreated.set(alg, key.created);
  }
  return { keys: kept, retired };
}

/** The same for cookie keys: the first signs, the rest verify. */
export function retireCookieKeys(
  keys: CookieKey[],
  now: Date,
  overlapMs: number,
): Rotation<CookieKey> {
  const [current, ...older] = keys;
  if (!current) return { keys, retired: [] };

  const kept: CookieKey[] = [current];
  const retired: CookieKey[] = [];
  let newerCreated = current.created;
  for (const key of older) {
    if (isPast(newerCreated, now, overlapMs)) retired.push(key);
    else kept.push(key);
    newerCreated = key.created;
  }
  return { keys: kept, retired };
}

/** Which keys sign now: the first of each algorithm. */
export function signingKids(keys: StoredJwk[]): Set<string> {
  const seen = new Set<string>();
  const kids = new Set<string>();
  for (const key of keys) {
    if (seen.has(String(key.alg))) continue;
    seen.add(String(key.alg));
    kids.add(String(key.kid));
  }
  return kids;
}

/** A key of unknown age counts as old: it predates rotation bookkeeping. */
function isPast(created: string | undefined, now: Date, overlapMs: number): boolean {
  const at = created ? Date.parse(created) : 0;
  return now.getTime() - (Number.isNaN(at) ? 0 : at) >= overlapMs;
}

/** Parses `90m`, `36h`, `7d` (or plain seconds) into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit * 1000;
}
