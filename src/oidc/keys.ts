/**
 * Signing keys (a private JWKS) and cookie keys. Taken, in this order, from
 * the environment (LEERID_JWKS, LEERID_COOKIE_KEYS), from the files named by
 * the config (jwksFile, cookieKeysFile), or from the keys folder, where the
 * embedded default makes them once, with owner-only permissions.
 *
 * Order matters: the first key of each algorithm signs, the others are only
 * published for verification (see key-rotation.ts); the first cookie key
 * signs cookies, the others still verify them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';

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

export const SIGNING_ALGS = ['RS256', 'ES256'] as const;
const JWKS_FILE = 'jwks.json';
const COOKIE_KEYS_FILE = 'cookie-keys.json';
const MIN_COOKIE_KEY_LENGTH = 32;

/** Where keys live that `leerid keys` may rewrite; undefined when from the environment. */
export function keyFiles(config: KeyConfig) {
  return {
    jwks: config.jwks ? undefined : (config.jwksFile ?? join(config.keysDir, JWKS_FILE)),
    cookieKeys: config.cookieKeys
      ? undefined
      : (config.cookieKeysFile ?? join(config.keysDir, COOKIE_KEYS_FILE)),
  };
}

export async function loadKeys(config: KeyConfig): Promise<KeyMaterial> {
  const files = keyFiles(config);
  let generated = false;

  // Only the keys folder of the embedded default is filled on first start;
  // a named file that is missing is a mistake worth stopping for.
  if (files.jwks && !config.jwksFile && !existsSync(files.jwks)) {
    writeSecretFile(files.jwks, { keys: await generateSigningKeys() });
    generated = true;
  }
  if (files.cookieKeys && !config.cookieKeysFile && !existsSync(files.cookieKeys)) {
    writeSecretFile(files.cookieKeys, { keys: [newCookieKey()] });
    generated = true;
  }

  const jwks = parseJwks(
    config.jwks ?? readKeyFile(files.jwks as string),
    config.jwks ? 'LEERID_JWKS' : (files.jwks as string),
  );
  const cookieKeys = parseCookieKeys(
    config.cookieKeys ?? readKeyFile(files.cookieKeys as string),
    config.cookieKeys ? 'LEERID_COOKIE_KEYS' : (files.cookieKeys as string),
  );
  return { jwks, cookieKeys: cookieKeys.map((entry) => entry.key), generated };
}

/** Kept for callers that only know a folder: the embedded default. */
export function loadOrCreateKeys(keysDir: string): Promise<KeyMaterial> {
  return loadKeys({ keysDir });
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

export function parseJwks(text: string, source: string): { keys: StoredJwk[] } {
  const jwks = parseJson(text, source) as { keys?: unknown };
  const keys = Array.isArray(jwks?.keys) ? (jwks.keys as StoredJwk[]) : undefined;
  if (!keys || keys.length === 0) invalid(source, 'not a JWKS with at least one key');

  keys.forEach((key, i) => {
    if (!SIGNING_ALGS.includes(key.alg as (typeof SIGNING_ALGS)[number])) {
      invalid(source, `keys[${i}].alg must be RS256 or ES256`);
    }
    if (!key.kid) invalid(source, `keys[${i}].kid is missing`);
    if (!key.d) invalid(source, `keys[${i}] is a public key; the private key is needed to sign`);
  });
  // Every platform verifies RS256 unless it registered otherwise.
  if (!keys.some((key) => key.alg === 'RS256')) invalid(source, 'no RS256 key');
  return { keys };
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

export function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new LeerIdError(
      'keys.invalid',
      `${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
}

/** Writes owner-only, via a temporary file, so a reader never sees half a key set. */
export function writeSecretFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
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
