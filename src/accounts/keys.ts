/**
 * The account keys: the AES-256 key of the school-visible password copy and
 * the HMAC key that signs e-mailed links and class pages. Each comes from an
 * environment variable (base64) or a key file. In the embedded default the
 * file in keysDir is made on first use, like the other keys there; a file
 * named by the config must exist (`leerid keys init` makes it): a typo would
 * otherwise give each node a key of its own, and links made on one node
 * would not open on another.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import { createSecretFile, readSecretFile } from '../util/secret-files.js';
import { copyKeyFrom, type CopyKey } from './school-copy.js';

export interface AccountKeys {
  copyKey: CopyKey;
  linkKey: Uint8Array;
}

type AccountKeyConfig = Pick<Config, 'keysDir' | 'accounts'>;

interface AccountKeySpec {
  variable: string;
  setting: 'copyKeyFile' | 'linkKeyFile';
  defaultName: string;
}

const KEY_BYTES = 32;
const COPY_KEY: AccountKeySpec = {
  variable: 'LEERID_PASSWORD_COPY_KEY',
  setting: 'copyKeyFile',
  defaultName: 'password-copy.key',
};
const LINK_KEY: AccountKeySpec = {
  variable: 'LEERID_LINK_KEY',
  setting: 'linkKeyFile',
  defaultName: 'account-links.key',
};
const INIT_HINT = '; `leerid keys init` makes it, or fix the path';

export function loadAccountKeys(config: AccountKeyConfig, env = process.env): AccountKeys {
  const copy = loadKey(COPY_KEY, config, env);
  const link = loadKey(LINK_KEY, config, env);

  if (copy.length !== KEY_BYTES) {
    throw new LeerIdError('config.invalid', 'the password copy key needs exactly 32 bytes');
  }
  return { copyKey: copyKeyFrom(copy), linkKey: new Uint8Array(link) };
}

/** Makes the missing account key files, named ones too (`leerid keys init`); answers which. */
export function initAccountKeys(config: AccountKeyConfig, env = process.env): string[] {
  const made: string[] = [];
  for (const spec of [COPY_KEY, LINK_KEY]) {
    if (env[spec.variable]) continue;
    const { file, label } = keyFileOf(spec, config);
    if (!existsSync(file) && createSecretFile(file, newKeyText(), label)) made.push(label);
  }
  return made;
}

function loadKey(spec: AccountKeySpec, config: AccountKeyConfig, env: NodeJS.ProcessEnv): Buffer {
  const fromEnv = env[spec.variable];
  if (fromEnv && env[`${spec.variable}_FILE`]) {
    throw new LeerIdError(
      'config.invalid',
      `set ${spec.variable} or ${spec.variable}_FILE, not both`,
    );
  }
  if (fromEnv) return decodeKey(fromEnv, spec.variable);

  const { file, label, named } = keyFileOf(spec, config);
  if (!named && !existsSync(file)) createSecretFile(file, newKeyText(), label);
  return decodeKey(readSecretFile(file, label, INIT_HINT), label);
}

function keyFileOf(spec: AccountKeySpec, config: AccountKeyConfig) {
  const named = config.accounts[spec.setting];
  if (named) {
    const setting = `accounts.${spec.setting}, ${spec.variable}_FILE`;
    return { file: named, label: `${named} (${setting})`, named: true };
  }
  const file = join(config.keysDir, spec.defaultName);
  return { file, label: `${file} (keysDir)`, named: false };
}

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length < KEY_BYTES) {
    throw new LeerIdError('config.invalid', `${source}: needs ${KEY_BYTES} bytes, base64`);
  }
  return key;
}

function newKeyText(): string {
  return `${randomBytes(KEY_BYTES).toString('base64')}\n`;
}

/** Fresh keys, for tests and tools that must not touch keysDir. */
export function generateAccountKeys(): AccountKeys {
  return {
    copyKey: copyKeyFrom(randomBytes(KEY_BYTES)),
    linkKey: new Uint8Array(randomBytes(KEY_BYTES)),
  };
}
