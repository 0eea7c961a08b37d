/**
 * The privacy log's chain key: from LEERID_PRIVACY_LOG_KEY (base64) or a key
 * file; in the embedded default the file is made on first use, while the log
 * is still empty.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';
import type { Db } from '../store/db.js';

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
  const file = resolve(config.privacyLog.keyFile ?? join(config.keysDir, 'privacy-log.key'));

  if (!fromEnv && !existsSync(file)) {
    if (options.logInUse) {
      throw new LeerIdError(
        'config.invalid',
        `${file}: no privacy log key there, but the privacy log already has entries; ` +
          'point keysDir, privacyLog.keyFile or LEERID_PRIVACY_LOG_KEY at the key they were made with',
      );
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(MIN_KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
  }

  const key = Buffer.from((fromEnv ?? readFileSync(file, 'utf8')).trim(), 'base64');
  if (key.length < MIN_KEY_BYTES) {
    const source = fromEnv ? 'LEERID_PRIVACY_LOG_KEY' : file;
    throw new LeerIdError('config.invalid', `${source}: the privacy log key needs 32 bytes`);
  }
  return key;
}

/** The key for the log in `db`: made anew only while that log is empty (KeyOptions.logInUse). */
export async function privacyLogKeyFor(db: Db, config: Config): Promise<Buffer> {
  const logInUse = (await db('privacy_log').select(db.raw('1')).limit(1)).length > 0;
  return loadPrivacyLogKey(config, { logInUse });
}
