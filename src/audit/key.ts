/**
 * The privacy log's chain key: from LEERID_PRIVACY_LOG_KEY (base64) or a key
 * file. The default file under keysDir is made on first use, while the log
 * is still empty; a file named by privacyLog.keyFile is never made, as a
 * typo there would give each node a key of its own.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import type { Db } from '../store/db.js';
import { createSecretFile, readSecretFile } from '../util/secret-files.js';

const MIN_KEY_BYTES = 32;

export interface KeyOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * The log already holds entries. A missing key file is then an error, not
   * a new key: entries chained with a new key would fail verification (a
   * command run from another directory finds no `keys/` there).
   */
  logInUse?: boolean;
}

export function loadPrivacyLogKey(config: Config, options: KeyOptions = {}): Buffer {
  const fromEnv = (options.env ?? process.env).LEERID_PRIVACY_LOG_KEY;
  const text = fromEnv ?? readKeyFile(config, options.logInUse ?? false);

  const key = Buffer.from(text.trim(), 'base64');
  if (key.length < MIN_KEY_BYTES) {
    const source = fromEnv ? 'LEERID_PRIVACY_LOG_KEY' : keyFileOf(config).label;
    throw new LeerIdError('config.invalid', `${source}: the privacy log key needs 32 bytes`);
  }
  return key;
}

/**
 * `leerid keys init`: makes the key file unless the key comes from the
 * environment or the file is there. Answers the file's label when it made it.
 */
export function initPrivacyLogKey(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (env.LEERID_PRIVACY_LOG_KEY) return undefined;
  const { file, label } = keyFileOf(config);
  return createSecretFile(file, newKeyText(), label) ? label : undefined;
}

function newKeyText(): string {
  return `${randomBytes(MIN_KEY_BYTES).toString('base64')}\n`;
}

function keyFileOf(config: Config) {
  const named = config.privacyLog.keyFile;
  const file = resolve(named ?? join(config.keysDir, 'privacy-log.key'));
  const label = named ? `${file} (privacyLog.keyFile, LEERID_PRIVACY_LOG_KEY_FILE)` : file;
  return { file, label, named: named !== undefined };
}

function readKeyFile(config: Config, logInUse: boolean): string {
  const { file, label, named } = keyFileOf(config);
  if (logInUse) {
    const hint =
      '; the privacy log already has entries: point keysDir, privacyLog.keyFile or ' +
      'LEERID_PRIVACY_LOG_KEY at the key they were made with';
    return readSecretFile(file, label, hint);
  }
  if (!named) createSecretFile(file, newKeyText(), label);
  return readSecretFile(file, label, named ? '; make it with `leerid keys init`' : '');
}

/** The key for the log in `db`: made anew only while that log is empty (KeyOptions.logInUse). */
export async function privacyLogKeyFor(db: Db, config: Config): Promise<Buffer> {
  const logInUse = (await db('privacy_log').select(db.raw('1')).limit(1)).length > 0;
  return loadPrivacyLogKey(config, { logInUse });
}
