/**
 * The privacy log's chain key: from LEERID_PRIVACY_LOG_KEY (base64) or a key
 * file; in the embedded default the file is made on first use.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { LeerIdError } from '../errors/index.js';

const MIN_KEY_BYTES = 32;

export function loadPrivacyLogKey(config: Config, env = process.env): Buffer {
  const fromEnv = env.LEERID_PRIVACY_LOG_KEY;
  const file = config.privacyLog.keyFile ?? join(config.keysDir, 'privacy-log.key');

  if (!fromEnv && !existsSync(file)) {
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
