/**
 * `leerid keys init | list | rotate | retire`: signing and cookie key rotation
 * on the key files (jwksFile / cookieKeysFile, or the keys folder). Nodes read
 * keys at start, so a rotation takes effect on each node at its restart.
 *
 *   init                            make the key files that are missing
 *                                   (signing, cookie, password copy, links)
 *   rotate [--retire-older-than D]  new RS256 + ES256 key and cookie key in
 *                                   front; older keys stay for verification
 *   retire [--older-than D]         drop keys replaced at least D ago
 *                                   (default 1d; 0 drops every older key)
 *
 * Only init makes keys: list, rotate and retire pointed at an empty or wrong
 * folder stop instead of quietly starting a key set no node uses.
 */
import { parseArgs } from 'node:util';
import { initAccountKeys } from '../accounts/keys.js';
import { initPrivacyLogKey } from '../audit/key.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
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
  initKeys,
  keyFiles,
  newCookieKey,
  parseCookieKeys,
  parseJwks,
  readKeys,
  secretJson,
  type CookieKey,
  type KeyConfig,
  type KeyFile,
  type StoredJwk,
} from '../oidc/keys.js';
import { readSecretFile, replaceSecretFile } from '../util/secret-files.js';

const DEFAULT_OVERLAP = '1d';
const USAGE =
  'usage: leerid keys init | list | rotate [--retire-older-than 7d] | retire [--older-than 1d]';

export async function run(args: string[]): Promise<number> {
  const { positionals, values } = parseCommand(args);
  const config = loadConfig();
  const now = new Date();

  switch (positionals[0]) {
    case 'init':
      await makeKeys(config);
      return 0;
    case 'list':
      listKeys(config);
      return 0;
    case 'rotate':
      await rotateKeys(config, now, optionalDuration(values['retire-older-than']));
      return 0;
    case 'retire':
      retireKeys(config, now, requiredDuration(values['older-than'] ?? DEFAULT_OVERLAP));
      return 0;
    default:
      throw new LeerIdError('keys.usage', USAGE);
  }
}

/** Adds new signing and cookie keys in front; optionally retires old ones too. */
export async function rotateKeys(config: KeyConfig, now: Date, retireOverlapMs?: number) {
  const { files, jwks, cookies } = readKeyFiles(config);

  const fresh = await generateSigningKeys(now);
  let signing = addSigningKeys(jwks.keys, fresh);
  let cookieKeys = [newCookieKey(now), ...cookies];
  if (retireOverlapMs !== undefined) {
    signing = retireSigningKeys(signing, now, retireOverlapMs).keys;
    cookieKeys = retireCookieKeys(cookieKeys, now, retireOverlapMs).keys;
  }

  writeKeyFiles(files, signing, cookieKeys);
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
export function retireKeys(config: KeyConfig, now: Date, overlapMs: number) {
  const { files, jwks, cookies } = readKeyFiles(config);

  const signing = retireSigningKeys(jwks.keys, now, overlapMs);
  const cookieKeys = retireCookieKeys(cookies, now, overlapMs);
  writeKeyFiles(files, signing.keys, cookieKeys.keys);
  report(
    'retired',
    signing.retired.map((key) => String(key.kid)),
  );
  report('retired cookie keys', [String(cookieKeys.retired.length)]);
  return signing.retired.map((key) => String(key.kid));
}

/** Makes what is missing and says so; never replaces a key that is there. */
async function makeKeys(config: Config) {
  const made = [
    ...(await initKeys(config)).map((file) => file.label),
    ...initAccountKeys(config),
    ...[initPrivacyLogKey(config)].filter((label) => label !== undefined),
  ];
  report('made', made.length > 0 ? made : ['nothing, every key file is there']);
}

function listKeys(config: KeyConfig) {
  const { jwks } = readKeys(config);
  const current = signingKids(jwks.keys);
  for (const key of jwks.keys) {
    const role = current.has(String(key.kid)) ? 'signs' : 'verifies only';
    console.log(`${String(key.kid).padEnd(24)} ${key.alg}  ${key.created ?? '?'}  ${role}`);
  }
}

/** The two key files with their keys; refuses keys given in the environment. */
function readKeyFiles(config: KeyConfig) {
  const { jwks, cookieKeys } = keyFiles(config);
  if (!jwks || !cookieKeys) {
    const variable = jwks ? 'LEERID_COOKIE_KEYS' : 'LEERID_JWKS';
    throw new LeerIdError(
      'keys.not_writable',
      `the keys come from ${variable}, which holds the keys themselves and cannot be ` +
        `rewritten; give them as files (${variable}_FILE) and rotate those`,
    );
  }
  const files = { jwks, cookieKeys };
  return {
    files,
    jwks: parseJwks(readKeyFile(files.jwks), files.jwks.label),
    cookies: parseCookieKeys(readKeyFile(files.cookieKeys), files.cookieKeys.label),
  };
}

function writeKeyFiles(
  files: { jwks: KeyFile; cookieKeys: KeyFile },
  signing: StoredJwk[],
  cookieKeys: CookieKey[],
) {
  replaceSecretFile(files.jwks.file, secretJson({ keys: signing }), files.jwks.label);
  replaceSecretFile(
    files.cookieKeys.file,
    secretJson({ keys: cookieKeys }),
    files.cookieKeys.label,
  );
}

function readKeyFile({ file, label }: KeyFile): string {
  return readSecretFile(file, label, '; `leerid keys init` makes a key set, or fix the path');
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
