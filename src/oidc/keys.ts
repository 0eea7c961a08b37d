/**
 * Signing keys (a private JWKS) and cookie keys. Read from the keys folder;
 * when missing there, made once and written with owner-only permissions so
 * the embedded default starts with nothing prepared.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface KeyMaterial {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  generated: boolean;
}

const JWKS_FILE = 'jwks.json';
const COOKIE_KEYS_FILE = 'cookie-keys.json';

export async function loadOrCreateKeys(keysDir: string): Promise<KeyMaterial> {
  const jwksPath = join(keysDir, JWKS_FILE);
  const cookiePath = join(keysDir, COOKIE_KEYS_FILE);
  let generated = false;

  if (!existsSync(jwksPath)) {
    writeSecret(keysDir, JWKS_FILE, { keys: await generateSigningKeys() });
    generated = true;
  }
  if (!existsSync(cookiePath)) {
    writeSecret(keysDir, COOKIE_KEYS_FILE, [randomBytes(32).toString('base64url')]);
    generated = true;
  }

  return {
    jwks: JSON.parse(readFileSync(jwksPath, 'utf8')) as { keys: JWK[] },
    cookieKeys: JSON.parse(readFileSync(cookiePath, 'utf8')) as string[],
    generated,
  };
}

/** One RS256 key (what every relying party supports) and one ES256 key. */
export async function generateSigningKeys(): Promise<JWK[]> {
  const rsa = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const created = new Date().toISOString().slice(0, 10);
  return [
    { ...(await exportJWK(rsa.privateKey)), alg: 'RS256', use: 'sig', kid: kid(created) },
    { ...(await exportJWK(ec.privateKey)), alg: 'ES256', use: 'sig', kid: kid(created) },
  ];
}

function kid(created: string): string {
  return `${created}-${randomUUID().slice(0, 8)}`;
}

function writeSecret(dir: string, file: string, value: unknown) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, file), `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}
