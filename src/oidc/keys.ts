/**
 * Signing keys (a private JWKS) and cookie keys. Taken, in this order, from
 * the environment (LEERID_JWKS, LEERID_COOKIE_KEYS), from the files named by
 * the config (jwksFile, cookieKeysFile: LEERID_JWKS_FILE, LEERID_COOKIE_KEYS_FILE),
 * or from the keys folder, where the embedded default makes them on first
 * start, with owner-only permissions. A named file is never made silently: a
 * typo would give each node keys of its own (`leerid keys init` makes them).
 *
 * Order matters: the first key of each algorithm signs, the others are only
 * published for verification (see key-rotation.ts); the first cookie key
 * signs cookies, the others still verify them.
 */
import {
  createPrivateKey,
  createPublicKey,
  randomBytes,
  randomUUID,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import { createSecretFile, readSecretFile } from '../util/secret-files.js';

/** A private JWK as stored; `created` (ISO time) drives retirement. */
export type StoredJwk = JWK & { created?: string };

export interface CookieKey {
  key: string;
  created?: string;
}

export interface KeyMaterial {
  jwks: { keys: StoredJwk[] };
  cookieKeys: string[];
  generated: boolean;
}

export type KeyConfig = Pick<
  Config,
  'keysDir' | 'jwks' | 'jwksFile' | 'cookieKeys' | 'cookieKeysFile'
>;

/** A key file, with how an error names it: the path and the setting that chose it. */
export interface KeyFile {
  file: string;
  label: string;
  named: boolean;
}

export const SIGNING_ALGS = ['RS256', 'ES256'] as const;
const KEY_TYPES: Record<string, { kty: string; crv?: string }> = {
  RS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
};
const MIN_RSA_BITS = 2048;
const JWKS_FILE = 'jwks.json';
const COOKIE_KEYS_FILE = 'cookie-keys.json';
const MIN_COOKIE_KEY_LENGTH = 32;
const INIT_HINT = '; `leerid keys init` makes a key set there, or fix the path';

/** Where keys live that `leerid keys` may rewrite; none for keys given in the environment. */
export function keyFiles(config: KeyConfig): { jwks?: KeyFile; cookieKeys?: KeyFile } {
  const files: { jwks?: KeyFile; cookieKeys?: KeyFile } = {};
  if (!config.jwks) {
    const fallback = join(config.keysDir, JWKS_FILE);
    files.jwks = keyFile(config.jwksFile, fallback, 'jwksFile, LEERID_JWKS_FILE');
  }
  if (!config.cookieKeys) {
    const fallback = join(config.keysDir, COOKIE_KEYS_FILE);
    files.cookieKeys = keyFile(
      config.cookieKeysFile,
      fallback,
      'cookieKeysFile, LEERID_COOKIE_KEYS_FILE',
    );
  }
  return files;
}

/**
 * The keys a node starts with. Only the keys folder of the embedded default
 * is filled on first start; a named file that is missing stops the start.
 */
export async function loadKeys(config: KeyConfig): Promise<KeyMaterial> {
  const made = await makeMissingKeyFiles(config, { named: false });
  return { ...readKeys(config), generated: made.length > 0 };
}

/** Makes every missing key file, named ones too (`leerid keys init`); answers which. */
export async function initKeys(config: KeyConfig): Promise<KeyFile[]> {
  return makeMissingKeyFiles(config, { named: true });
}

/** Reads and checks the keys without making anything. */
export function readKeys(config: KeyConfig): Omit<KeyMaterial, 'generated'> {
  const files = keyFiles(config);
  const jwks = files.jwks
    ? parseJwks(readSecretFile(files.jwks.file, files.jwks.label, INIT_HINT), files.jwks.label)
    : parseJwks(config.jwks as string, 'LEERID_JWKS');
  const cookieKeys = files.cookieKeys
    ? parseCookieKeys(
        readSecretFile(files.cookieKeys.file, files.cookieKeys.label, INIT_HINT),
        files.cookieKeys.label,
      )
    : parseCookieKeys(config.cookieKeys as string, 'LEERID_COOKIE_KEYS');
  return { jwks, cookieKeys: cookieKeys.map((entry) => entry.key) };
}

async function makeMissingKeyFiles(config: KeyConfig, options: { named: boolean }) {
  const files = keyFiles(config);
  const made: KeyFile[] = [];
  const missing = (file: KeyFile | undefined): file is KeyFile =>
    file !== undefined && (options.named || !file.named) && !existsSync(file.file);

  if (missing(files.jwks)) {
    const text = secretJson({ keys: await generateSigningKeys() });
    if (createSecretFile(files.jwks.file, text, files.jwks.label)) made.push(files.jwks);
  }
  if (missing(files.cookieKeys)) {
    const text = secretJson({ keys: [newCookieKey()] });
    if (createSecretFile(files.cookieKeys.file, text, files.cookieKeys.label)) {
      made.push(files.cookieKeys);
    }
  }
  return made;
}

function keyFile(named: string | undefined, fallback: string, setting: string): KeyFile {
  if (named) return { file: named, label: `${named} (${setting})`, named: true };
  return { file: fallback, label: `${fallback} (keysDir)`, named: false };
}

/** One RS256 key (what every relying party supports) and one ES256 key. */
export async function generateSigningKeys(now = new Date()): Promise<StoredJwk[]> {
  const rsa = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const created = now.toISOString();
  const base = { use: 'sig', created };
  return [
    { ...(await exportJWK(rsa.privateKey)), alg: 'RS256', kid: kid(now), ...base },
    { ...(await exportJWK(ec.privateKey)), alg: 'ES256', kid: kid(now), ...base },
  ];
}

export function newCookieKey(now = new Date()): CookieKey {
  return { key: randomBytes(32).toString('base64url'), created: now.toISOString() };
}

/**
 * Parses a private JWKS and checks each key the way signing will use it, so
 * a bad key stops the start with its kid named instead of a 500 at /token.
 */
export function parseJwks(text: string, source: string): { keys: StoredJwk[] } {
  const jwks = parseJson(text, source) as { keys?: unknown };
  const keys = Array.isArray(jwks?.keys) ? (jwks.keys as StoredJwk[]) : undefined;
  if (!keys || keys.length === 0) invalid(source, 'not a JWKS with at least one key');

  const kids = new Set<string>();
  keys.forEach((key, i) => {
    if (typeof key !== 'object' || key === null) invalid(source, `keys[${i}] is not a JWK`);
    const where = key.kid ? `key ${key.kid} (keys[${i}])` : `keys[${i}]`;
    if (!key.kid) invalid(source, `${where}: kid is missing`);
    if (kids.has(key.kid)) invalid(source, `${where}: kid ${key.kid} is used twice`);
    kids.add(key.kid);
    checkSigningKey(key, source, where);
  });
  // Every platform verifies RS256 unless it registered otherwise.
  if (!keys.some((key) => key.alg === 'RS256')) invalid(source, 'no RS256 key');
  return { keys };
}

function checkSigningKey(key: StoredJwk, source: string, where: string): void {
  const type = KEY_TYPES[String(key.alg)];
  if (!type) invalid(source, `${where}: alg must be RS256 or ES256`);
  if (key.kty !== type.kty || (type.crv && key.crv !== type.crv)) {
    const wanted = [type.kty, type.crv].filter(Boolean).join(' ');
    const found = [key.kty, key.crv].filter(Boolean).join(' ') || 'no kty';
    invalid(source, `${where}: alg ${key.alg} needs an ${wanted} key, not ${found}`);
  }
  if (key.use !== undefined && key.use !== 'sig') invalid(source, `${where}: use must be sig`);
  if (!key.d) invalid(source, `${where}: a public key; the private key is needed to sign`);

  let privateKey: KeyObject;
  let publicKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: key as JsonWebKey, format: 'jwk' });
    publicKey = createPublicKey({ key: publicHalf(key), format: 'jwk' });
  } catch (error) {
    return invalid(source, `${where}: not a usable ${key.kty} key (${(error as Error).message})`);
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < MIN_RSA_BITS) {
    invalid(source, `${where}: an RSA key of ${bits} bits; RS256 needs at least ${MIN_RSA_BITS}`);
  }
  // A key whose private parts do not belong to its public ones (truncated,
  // edited) signs what no platform can verify.
  const probe = randomBytes(32);
  if (!verify('sha256', probe, publicKey, sign('sha256', probe, privateKey))) {
    invalid(source, `${where}: the private key does not match its public key`);
  }
}

/** What /jwks publishes for the key: what platforms verify with. */
function publicHalf(key: StoredJwk): JsonWebKey {
  return key.kty === 'RSA'
    ? { kty: 'RSA', n: key.n, e: key.e }
    : { kty: 'EC', crv: key.crv, x: key.x, y: key.y };
}

export function parseCookieKeys(text: string, source: string): CookieKey[] {
  const value = parseJson(text, source) as unknown;
  const list = Array.isArray(value) ? value : (value as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || list.length === 0) invalid(source, 'no cookie keys');

  return list.map((entry: unknown, i) => {
    const key = typeof entry === 'string' ? { key: entry } : (entry as CookieKey);
    if (typeof key?.key !== 'string' || key.key.length < MIN_COOKIE_KEY_LENGTH) {
      invalid(source, `cookie key ${i} must be a string of at least ${MIN_COOKIE_KEY_LENGTH}`);
    }
    return key;
  });
}

/** A key file's content: JSON, pretty, ending in a newline. */
export function secretJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function kid(now: Date): string {
  return `${now.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return invalid(source, `not JSON (${(error as Error).message})`);
  }
}

function invalid(source: string, problem: string): never {
  throw new LeerIdError('keys.invalid', `${source}: ${problem}`);
}
