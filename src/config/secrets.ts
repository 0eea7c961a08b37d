/**
 * Secrets come only from the environment or from files, never from the
 * config file, which tends to be committed, copied and mailed around.
 * Each secret setting has an environment variable, and a *_FILE variant
 * names a file that holds it (as container secrets are mounted).
 *
 * LEERID_JWKS_FILE and LEERID_COOKIE_KEYS_FILE keep that meaning but are
 * not read here: they set jwksFile and cookieKeysFile, files that src/oidc/
 * keys.ts reads and `leerid keys` rotates in place. Read here, their content
 * became a key "given in the environment" that rotation refused to touch.
 */
import { readFileSync } from 'node:fs';
import { LeerIdError } from '../errors/index.js';

/** Environment variable -> config path, for settings that are secrets. */
export const SECRET_ENV_KEYS: Record<string, string> = {
  LEERID_JWKS: 'jwks',
  LEERID_COOKIE_KEYS: 'cookieKeys',
  LEERID_METRICS_TOKEN: 'metricsToken',
};

/** Secrets whose *_FILE is a key file setting (jwksFile, cookieKeysFile), read by the key code. */
const KEY_FILE_SECRETS = new Set(['LEERID_JWKS', 'LEERID_COOKIE_KEYS']);

/** Settings that may embed a password: from the environment or a *_FILE. */
const URL_KEYS: Record<string, string> = {
  LEERID_DATABASE_URL: 'databaseUrl',
  LEERID_REDIS_URL: 'redisUrl',
};

/**
 * The secrets named by environment variables, read from files where asked,
 * each with the variable it came from.
 */
export function readSecretEnv(
  env: NodeJS.ProcessEnv,
): [path: string, value: string, variable: string][] {
  const found: [string, string, string][] = [];

  for (const [name, path] of Object.entries({ ...SECRET_ENV_KEYS, ...URL_KEYS })) {
    const direct = env[name];
    const file = env[`${name}_FILE`];
    if (direct && file) {
      throw new LeerIdError('config.invalid', `set ${name} or ${name}_FILE, not both`);
    }
    if (direct) found.push([path, direct, name]);
    if (file && !KEY_FILE_SECRETS.has(name)) {
      found.push([path, readSecretFile(name, file), `${name}_FILE`]);
    }
  }
  return found;
}

/** Refuses a config file that holds a secret, naming the key. */
export function assertNoSecretsIn(input: Record<string, unknown>, file: string): void {
  for (const [name, path] of Object.entries(SECRET_ENV_KEYS)) {
    if (input[path] !== undefined) {
      throw new LeerIdError(
        'config.secret_in_file',
        `${file}: ${path} is a secret; set ${name} or ${name}_FILE instead`,
      );
    }
  }
  for (const [name, path] of Object.entries(URL_KEYS)) {
    if (typeof input[path] === 'string' && hasPassword(input[path])) {
      throw new LeerIdError(
        'config.secret_in_file',
        `${file}: ${path} holds a password; set ${name} or ${name}_FILE instead`,
      );
    }
  }
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

function readSecretFile(name: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new LeerIdError(
      'config.invalid',
      `${name}_FILE: ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
}
