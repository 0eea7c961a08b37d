/**
 * Secrets come only from the environment or from files, never from the
 * config file, which tends to be committed, copied and mailed around.
 * Each secret setting has an environment variable, and a *_FILE variant
 * names a file that holds it (as container secrets are mounted).
 */
import { readFileSync } from 'node:fs';
import { LeerIdError } from '../errors/index.js';

/** Environment variable -> config path, for settings that are secrets. */
export const SECRET_ENV_KEYS: Record<string, string> = {
  LEERID_JWKS: 'jwks',
  LEERID_COOKIE_KEYS: 'cookieKeys',
  LEERID_METRICS_TOKEN: 'metricsToken',
};

/** Settings that may embed a password: from the environment or a *_FILE. */
const URL_KEYS: Record<string, string> = {
  LEERID_DATABASE_URL: 'databaseUrl',
  LEERID_REDIS_URL: 'redisUrl',
};

/** The secrets named by environment variables, read from files where asked. */
export function readSecretEnv(env: NodeJS.ProcessEnv): [path: string, value: string][] {
  const found: [string, string][] = [];

  for (const [name, path] of Object.entries({ ...SECRET_ENV_KEYS, ...URL_KEYS })) {
    const direct = env[name];
    const file = env[`${name}_FILE`];
    if (direct && file) {
      throw new LeerIdError('config.invalid', `set ${name} or ${name}_FILE, not both`);
    }
    if (direct) found.push([path, direct]);
    if (file) found.push([path, readSecretFile(name, file)]);
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
