/**
 * The account keys: the AES-256 key of the school-visible password copy and
 * the HMAC key that signs e-mailed links and class pages. Each comes from an
 * environment variable (base64) or a key file; in the embedded default the
 * file is made on first use, like the other keys in keysDir.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import { copyKeyFrom, type CopyKey } from './school-copy.js';

export interface AccountKeys {
  copyKey: CopyKey;
  linkKey: Uint8Array;
}

export function loadAccountKeys(config: Config, env = process.env): AccountKeys {
  const copy = loadKey(
    env.LEERID_PASSWORD_COPY_KEY,
    'LEERID_PASSWORD_COPY_KEY',
    config.accounts.copyKeyFile ?? join(config.keysDir, 'password-copy.key'),
  );
  const link = loadKey(
    env.LEERID_LINK_KEY,
    'LEERID_LINK_KEY',
    config.accounts.linkKeyFile ?? join(config.keysDir, 'account-links.key'),
  );

  if (copy.length !== 32) {
    throw new LeerIdError('config.invalid', 'the password copy key needs exactly 32 bytes');
  }
  return { copyKey: copyKeyFrom(copy), linkKey: new Uint8Array(link) };
}

function loadKey(fromEnv: string | undefined, envName: string, file: string): Buffer {
  if (!fromEnv && !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }

  const key = Buffer.from((fromEnv ?? readFileSync(file, 'utf8')).trim(), 'base64');
  if (key.length < 32) {
    throw new LeerIdError('config.invalid', `${fromEnv ? envName : file}: needs 32 bytes`);
  }
  return key;
}

/** Fresh keys, for tests and tools that must not touch keysDir. */
export function generateAccountKeys(): AccountKeys {
  return { copyKey: copyKeyFrom(randomBytes(32)), linkKey: new Uint8Array(randomBytes(32)) };
}
