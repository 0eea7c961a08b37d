/**
 * Reads configuration from an optional JSON file (LEERID_CONFIG) and from
 * LEERID_* environment variables, which win over the file. Errors name the
 * file and the key path.
 */
import { readFileSync } from 'node:fs';
import { LeerIdError } from '../errors/index.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';
import { assertNoSecretsIn, readSecretEnv } from './secrets.js';

/** Environment variable -> dotted config path. */
const ENV_KEYS: Record<string, string> = {
  LEERID_ISSUER: 'issuer',
  LEERID_HOST: 'host',
  LEERID_PORT: 'port',
  LEERID_PROXY_HOPS: 'proxyHops',
  LEERID_REDIS_KEY_PREFIX: 'redisKeyPrefix',
  LEERID_JWKS_FILE: 'jwksFile',
  LEERID_COOKIE_KEYS_FILE: 'cookieKeysFile',
  LEERID_DEPENDENCY_TIMEOUT_MS: 'dependencyTimeoutMs',
  LEERID_SHUTDOWN_GRACE_SECONDS: 'shutdownGraceSeconds',
  LEERID_SHUTDOWN_DELAY_SECONDS: 'shutdownDelaySeconds',
  LEERID_CLIENTS_FILE: 'clientsFile',
  LEERID_KEYS_DIR: 'keysDir',
  LEERID_DATA_DIR: 'dataDir',
  LEERID_TIMEZONE: 'timezone',
  LEERID_LOG_LEVEL: 'logLevel',
  LEERID_PRIVACY_LOG_KEY_FILE: 'privacyLog.keyFile',
  LEERID_PRIVACY_LOG_RETENTION_DAYS: 'privacyLog.retentionDays',
  LEERID_SYNC_MAPPING_FILE: 'sync.mappingFile',
  LEERID_SYNC_MAX_ENDED_SHARE: 'sync.maxEndedShare',
  LEERID_SYNC_MIN_SIZE_RATIO: 'sync.minSizeRatio',
  LEERID_USERNAME_SCHEME: 'accounts.usernameScheme',
  LEERID_PASSWORD_COPY_KEY_FILE: 'accounts.copyKeyFile',
  LEERID_LINK_KEY_FILE: 'accounts.linkKeyFile',
  LEERID_MAIL_TRANSPORT: 'mail.transport',
  LEERID_SMTP_URL: 'mail.smtpUrl',
  LEERID_MAIL_FROM: 'mail.from',
  LEERID_MAIL_OUTBOX_DIR: 'mail.outboxDir',
};

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigInput = {},
): Config {
  const file = env.LEERID_CONFIG;
  const input: Record<string, unknown> = file ? readConfigFile(file) : {};
  if (file) assertNoSecretsIn(input, file);

  // Which variable set which path, so an error blames the variable, not the file.
  const origins = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(input, path, value);
    origins.set(path, name);
  }
  for (const [path, value, name] of readSecretEnv(env)) {
    setPath(input, path, value);
    origins.set(path, name);
  }
  for (const path of Object.keys(overrides)) origins.delete(path);

  return resolveConfig({ ...input, ...overrides }, file ?? 'environment', origins);
}

/**
 * Validates and freezes. Each problem names where its value came from: the
 * environment variable in `origins` (path -> variable), else `source`.
 */
export function resolveConfig(
  input: unknown,
  source = 'input',
  origins: ReadonlyMap<string, string> = new Map(),
): Config {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.join('.') || '(root)';
      const variable = origins.get(path);
      return `${variable ?? source}: ${path}: ${issue.message}`;
    });
    throw new LeerIdError('config.invalid', problems.join('; '));
  }
  return Object.freeze(parsed.data);
}

function readConfigFile(file: string): Record<string, unknown> {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LeerIdError('config.invalid', `${file}: ${(error as Error).message}`);
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    const found = Array.isArray(content) ? 'an array' : JSON.stringify(content);
    throw new LeerIdError(
      'config.invalid',
      `${file} (LEERID_CONFIG): must hold a JSON object of settings, not ${found}`,
    );
  }
  return content as Record<string, unknown>;
}

function setPath(target: Record<string, unknown>, path: string, value: string) {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    node[key] = { ...(node[key] as Record<string, unknown> | undefined) };
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}
