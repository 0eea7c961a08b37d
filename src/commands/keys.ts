/**
 * `leerid keys list | rotate | retire`: signing and cookie key rotation on
 * the key files (jwksFile / cookieKeysFile, or the keys folder). Nodes read
 * keys at start, so a rotation takes effect on each node at its restart.
 *
 *   rotate [--retire-older-than D]  new RS256 + ES256 key and cookie key in
 *                                   front; older keys stay for verification
 *   retire [--older-than D]         drop keys replaced at least D ago
 *                                   (default 1d; 0 drops every older key)
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { LeerIdError } from '../errors/index.js';
import {
  addSigningKeys,
  parseDuration,
  retireCookieKeys,
  retireSigningKeys,
  signingKids,
} from '../oidc/key-rotation.js';
import {
  generateSigningKeys,
  keyFiles,
  loadKeys,
  newCookieKey,
  parseCookieKeys,
  parseJwks,
  readKeyFile,
  writeSecretFile,
  type KeyConfig,
} from '../oidc/keys.js';

const DEFAULT_OVERLAP = '1d';
const USAGE =
  'usage: leerid keys list | rotate [--retire-older-than 7d] | retire [--older-than 1d]';

export async function run(args: string[]): Promise<number> {
  const { positionals, values } = parseCommand(args);
  const config = loadConfig();
  const now = new Date();

  switch (positionals[0]) {
    case 'list':
      await listKeys(config);
      return 0;
    case 'rotate':
      await rotateKeys(config, now, optionalDuration(values['retire-older-than']));
      return 0;
    case 'retire':
      await retireKeys(config, now, requiredDuration(values['older-than'] ?? DEFAULT_OVERLAP));
      return 0;
    default:
      throw new LeerIdError('keys.usage', USAGE);
  }
}

/** Adds new signing and cookie keys in front; optionally retires old ones too. */
export async function rotateKeys(config: KeyConfig, now: Date, retireOverlapMs?: number) {
  const files = await writableFiles(config);
  const jwks = parseJwks(readKeyFile(files.jwks), files.jwks);
  const cookies = parseCookieKeys(readKeyFile(files.cookieKeys), files.cookieKeys);

  const fresh = await generateSigningKeys(now);
  let signing = addSigningKeys(jwks.keys, fresh);
  let cookieKeys = [newCookieKey(now), ...cookies];
  if (retireOverlapMs !== undefined) {
    signing = retireSigningKeys(signing, now, retireOverlapMs).keys;
    cookieKeys = retireCookieKeys(cookieKeys, now, retireOverlapMs).keys;
  }

  writeSecretFile(files.jwks, { keys: signing });
  writeSecretFile(files.cookieKeys, { keys: cookieKeys });
  report(
    'signing with',
    fresh.map((key) => `${key.kid} (${key.alg})`),
  );
  report(
    'published',
    signing.map((key) => String(key.kid)),
  );
  return fresh.map((key) => String(key.kid));
}

/** Drops signing and cookie keys that were replaced at least `overlapMs` ago. */
export async function retireKeys(config: KeyConfig, now: Date, overlapMs: number) {
  const files = await writableFiles(config);
  const jwks = parseJwks(readKeyFile(files.jwks), files.jwks);
  const cookies = parseCookieKeys(readKeyFile(files.cookieKeys), files.cookieKeys);

  const signing = retireSigningKeys(jwks.keys, now, overlapMs);
  const cookieKeys = retireCookieKeys(cookies, now, overlapMs);
  writeSecretFile(files.jwks, { keys: signing.keys });
  writeSecretFile(files.cookieKeys, { keys: cookieKeys.keys });
  report(
    'retired',
    signing.retired.map((key) => String(key.kid)),
  );
  report('retired cookie keys', [String(cookieKeys.retired.length)]);
  return signing.retired.map((key) => String(key.kid));
}

async function listKeys(config: KeyConfig) {
  const { jwks } = await loadKeys(config);
  const current = signingKids(jwks.keys);
  for (const key of jwks.keys) {
    const role = current.has(String(key.kid)) ? 'signs' : 'verifies only';
    console.log(`${String(key.kid).padEnd(24)} ${key.alg}  ${key.created ?? '?'}  ${role}`);
  }
}

async function writableFiles(config: KeyConfig) {
  const files = keyFiles(config);
  if (!files.jwks || !files.cookieKeys) {
    throw new LeerIdError(
      'keys.not_writable',
      'keys come from LEERID_JWKS / LEERID_COOKIE_KEYS; rotate files (LEERID_JWKS_FILE, ' +
        'LEERID_COOKIE_KEYS_FILE) and point the nodes at them',
    );
  }
  // Makes the embedded default's files first, so there is something to rotate.
  await loadKeys(config);
  return { jwks: files.jwks, cookieKeys: files.cookieKeys };
}

function parseCommand(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        'retire-older-than': { type: 'string' },
        'older-than': { type: 'string' },
      },
    });
  } catch (error) {
    throw new LeerIdError('keys.usage', `${(error as Error).message}\n${USAGE}`);
  }
}

function optionalDuration(text: string | undefined): number | undefined {
  return text === undefined ? undefined : requiredDuration(text);
}

function requiredDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new LeerIdError('keys.usage', `not a duration: ${text}\n${USAGE}`);
  return ms;
}

function report(label: string, items: string[]) {
  console.log(`${label}: ${items.length > 0 ? items.join(', ') : '-'}`);
}
