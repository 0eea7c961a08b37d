/** Secrets come from the environment or files, never from the config file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../src/config/load.js';
import { codeOf } from '../../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'leerid-config-'));

function configFile(content: unknown): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('configuration secrets', function () {
  it('refuses keys or a metrics token in the config file, naming the variable', function () {
    for (const [key, variable] of [
      ['jwks', 'LEERID_JWKS'],
      ['cookieKeys', 'LEERID_COOKIE_KEYS'],
      ['metricsToken', 'LEERID_METRICS_TOKEN'],
    ]) {
      const env = { LEERID_CONFIG: configFile({ [key as string]: 'x'.repeat(40) }) };
      expect(codeOf(() => loadConfig(env))).to.equal('config.secret_in_file');
      expect(() => loadConfig(env)).to.throw(variable as string);
    }
  });

  it('refuses a database or Redis URL with a password in the config file', function () {
    const env = { LEERID_CONFIG: configFile({ databaseUrl: 'postgres://u:secret@db/leerid' }) };
    expect(codeOf(() => loadConfig(env))).to.equal('config.secret_in_file');
    const redis = { LEERID_CONFIG: configFile({ redisUrl: 'redis://:secret@cache:6379' }) };
    expect(codeOf(() => loadConfig(redis))).to.equal('config.secret_in_file');
  });

  it('accepts URLs without a password in the config file', function () {
    const env = { LEERID_CONFIG: configFile({ redisUrl: 'redis://cache:6379/0' }) };
    expect(loadConfig(env).redisUrl).to.equal('redis://cache:6379/0');
  });

  it('reads a secret from the environment or from the file a *_FILE variable names', function () {
    const tokenFile = join(dir, 'metrics-token');
    writeFileSync(tokenFile, 'a-metrics-token-of-some-length\n');
    expect(loadConfig({ LEERID_METRICS_TOKEN_FILE: tokenFile }).metricsToken).to.equal(
      'a-metrics-token-of-some-length',
    );

    const urlFile = join(dir, 'database-url');
    writeFileSync(urlFile, 'postgres://u:secret@db/leerid');
    expect(loadConfig({ LEERID_DATABASE_URL_FILE: urlFile }).databaseUrl).to.equal(
      'postgres://u:secret@db/leerid',
    );
    expect(loadConfig({ LEERID_REDIS_URL: 'redis://r:6379' }).redisUrl).to.equal('redis://r:6379');
  });

  it('takes LEERID_JWKS_FILE and LEERID_COOKIE_KEYS_FILE as the key files to rotate', function () {
    // Read as secrets, their content became keys "from the environment" that
    // `leerid keys rotate` refused to rewrite; a missing file is the key code's to report.
    const config = loadConfig({
      LEERID_JWKS_FILE: join(dir, 'absent-jwks.json'),
      LEERID_COOKIE_KEYS_FILE: join(dir, 'absent-cookie-keys.json'),
    });
    expect(config.jwksFile).to.equal(join(dir, 'absent-jwks.json'));
    expect(config.cookieKeysFile).to.equal(join(dir, 'absent-cookie-keys.json'));
    expect(config.jwks).to.equal(undefined);
    expect(config.cookieKeys).to.equal(undefined);

    const both = { LEERID_JWKS: '{"keys":[]}', LEERID_JWKS_FILE: join(dir, 'jwks.json') };
    expect(codeOf(() => loadConfig(both))).to.equal('config.invalid');
    expect(() => loadConfig(both)).to.throw('LEERID_JWKS_FILE');
  });

  it('refuses both a variable and its *_FILE, and a *_FILE that cannot be read', function () {
    const both = { LEERID_METRICS_TOKEN: 'x'.repeat(20), LEERID_METRICS_TOKEN_FILE: '/nope' };
    expect(codeOf(() => loadConfig(both))).to.equal('config.invalid');
    expect(codeOf(() => loadConfig({ LEERID_DATABASE_URL_FILE: join(dir, 'missing') }))).to.equal(
      'config.invalid',
    );
  });
});
