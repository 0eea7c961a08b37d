/**
 * The account keys (password copy, e-mailed links): made in keysDir in the
 * embedded default, but a file named by the config must be there, as with
 * the signing keys; a typo used to give each node a key of its own.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { initAccountKeys, loadAccountKeys } from '../../../src/accounts/keys.js';
import { loadConfig } from '../../../src/config/load.js';
import { errorOf } from '../../helpers/errors.js';

describe('account keys', function () {
  it('makes both key files in the keys folder of the embedded default', function () {
    const keysDir = join(mkdtempSync(join(tmpdir(), 'leerid-account-keys-')), 'keys');
    const env = { LEERID_KEYS_DIR: keysDir };
    const first = loadAccountKeys(loadConfig(env), env);
    const again = loadAccountKeys(loadConfig(env), env);

    expect(Buffer.from(again.linkKey).equals(Buffer.from(first.linkKey))).to.equal(true);
    expect(existsSync(join(keysDir, 'password-copy.key'))).to.equal(true);
    expect(existsSync(join(keysDir, 'account-links.key'))).to.equal(true);
  });

  it('refuses a named key file that is missing, and makes nothing', function () {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-account-keys-'));
    for (const variable of ['LEERID_PASSWORD_COPY_KEY_FILE', 'LEERID_LINK_KEY_FILE']) {
      const file = join(dir, 'typo', `${variable}.key`);
      const env = { LEERID_KEYS_DIR: join(dir, 'keys'), [variable]: file };
      const error = errorOf(() => loadAccountKeys(loadConfig(env), env));

      expect(error.code).to.equal('keys.missing');
      expect(error.message).to.contain(file).and.contain(variable).and.contain('keys init');
      expect(existsSync(file)).to.equal(false);
    }
  });

  it('makes named files with keys init, then reads them on every start', function () {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-account-keys-'));
    const env = {
      LEERID_KEYS_DIR: join(dir, 'keys'),
      LEERID_PASSWORD_COPY_KEY_FILE: join(dir, 'shared', 'copy.key'),
      LEERID_LINK_KEY_FILE: join(dir, 'shared', 'link.key'),
    };
    const config = loadConfig(env);
    expect(initAccountKeys(config, env)).to.have.length(2);
    expect(initAccountKeys(config, env), 'keeps what is there').to.deep.equal([]);

    const stored = readFileSync(env.LEERID_LINK_KEY_FILE, 'utf8').trim();
    const keys = loadAccountKeys(config, env);
    expect(Buffer.from(keys.linkKey).toString('base64')).to.equal(stored);
  });

  it('reports a path that cannot be made as keys.not_writable, not a stack trace', function () {
    const env = { LEERID_KEYS_DIR: '/dev/null/keys' };
    const error = errorOf(() => loadAccountKeys(loadConfig(env), env));
    expect(error.code).to.equal('keys.not_writable');
    expect(error.message).to.contain('/dev/null/keys/password-copy.key');
  });

  it('refuses a key given both directly and as a file, and a key too short', function () {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-account-keys-'));
    const file = join(dir, 'link.key');
    writeFileSync(file, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    const both = {
      LEERID_KEYS_DIR: dir,
      LEERID_LINK_KEY: Buffer.alloc(32, 8).toString('base64'),
      LEERID_LINK_KEY_FILE: file,
    };
    const error = errorOf(() => loadAccountKeys(loadConfig(both), both));
    expect(error.code).to.equal('config.invalid');
    expect(error.message).to.contain('LEERID_LINK_KEY_FILE');

    writeFileSync(file, 'c2hvcnQ=\n');
    const short = { LEERID_KEYS_DIR: dir, LEERID_LINK_KEY_FILE: file };
    expect(errorOf(() => loadAccountKeys(loadConfig(short), short)).message).to.contain(file);
  });
});
