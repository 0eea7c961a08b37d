/**
 * Values that used to pass validation and failed later, far from the setting
 * (a 500 at every login, a node never ready, a stack trace from a library),
 * and errors that name the variable or file the value came from.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../src/config/load.js';
import { errorOf } from '../../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'leerid-validation-'));

function configFile(text: string): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return file;
}

/** The error loadConfig throws for `env`; the test fails naming `env` when it is accepted. */
function refusalOf(env: Record<string, string>) {
  return errorOf(() => loadConfig(env), `accepted: ${JSON.stringify(env)}`);
}

/** Refused with config.invalid, naming `variable`; the message must match `problem`. */
function expectRefused(env: Record<string, string>, variable: string, problem: RegExp) {
  const error = refusalOf(env);
  expect(error.code, JSON.stringify(env)).to.equal('config.invalid');
  expect(error.message).to.contain(variable).and.match(problem);
}

describe('configuration validation', function () {
  describe('databaseUrl', function () {
    it('refuses an unknown scheme instead of opening an SQLite file named like the URL', function () {
      for (const url of ['mysql://localhost/x', 'postgress://db/leerid', 'sqlite3:x.db']) {
        expectRefused({ LEERID_DATABASE_URL: url }, 'LEERID_DATABASE_URL', /unsupported scheme/);
        expect(refusalOf({ LEERID_DATABASE_URL: url }).message).to.contain('postgres://');
      }
    });

    it('names the file, not the URL, when it comes from LEERID_DATABASE_URL_FILE', function () {
      const urlFile = join(dir, 'db-url');
      writeFileSync(urlFile, 'mysql://admin:hunter22@db/leerid\n');
      const error = refusalOf({ LEERID_DATABASE_URL_FILE: urlFile });
      expect(error.message).to.contain('LEERID_DATABASE_URL_FILE').and.not.contain('hunter22');
    });

    it('accepts the documented forms and a plain SQLite path', function () {
      for (const url of [
        'postgres://leerid@db:5432/leerid',
        'postgresql://leerid@db/leerid',
        'sqlite:data/leerid.sqlite',
        'sqlite::memory:',
        'data/leerid.sqlite',
      ]) {
        expect(loadConfig({ LEERID_DATABASE_URL: url }).databaseUrl).to.equal(url);
      }
    });
  });

  it('refuses an unknown time zone, which made every login a RangeError', function () {
    expectRefused({ LEERID_TIMEZONE: 'Mars/Olympus' }, 'LEERID_TIMEZONE', /time zone/);
    expect(loadConfig({ LEERID_TIMEZONE: 'America/New_York' }).timezone).to.equal(
      'America/New_York',
    );
  });

  it('refuses an issuer that is not an http(s) URL with a host, or has a query', function () {
    for (const issuer of ['localhost:3000', 'leerid.example.org', 'ftp://x', 'http://x/?a=1']) {
      expectRefused({ LEERID_ISSUER: issuer }, 'LEERID_ISSUER', /http|query/);
    }
    expect(loadConfig({ LEERID_ISSUER: 'http://127.0.0.1:4000/leerid' }).issuer).to.equal(
      'http://127.0.0.1:4000/leerid',
    );
  });

  it('refuses a Redis URL that is not redis:// or rediss://', function () {
    for (const url of ['notaurl', 'http://cache:6379', 'cache:6379']) {
      expectRefused({ LEERID_REDIS_URL: url }, 'LEERID_REDIS_URL', /redis:\/\//);
    }
    expect(loadConfig({ LEERID_REDIS_URL: 'rediss://cache:6380/1' }).redisUrl).to.equal(
      'rediss://cache:6380/1',
    );
  });

  it('refuses a listen address that is neither an IP address nor a host name', function () {
    for (const host of ['999.1.1.1', '10.0.0', 'le erid', '[::1]']) {
      expectRefused({ LEERID_HOST: host }, 'LEERID_HOST', /IP address or host name/);
    }
    for (const host of ['0.0.0.0', '::', '::1', 'localhost', 'leerid-node-1.internal']) {
      expect(loadConfig({ LEERID_HOST: host }).host).to.equal(host);
    }
  });

  it('refuses empty or non-numeric strings for numbers instead of reading 0', function () {
    const file = configFile('{ "shutdownGraceSeconds": "" }');
    const error = refusalOf({ LEERID_CONFIG: file });
    expect(error.message).to.contain(file).and.contain('shutdownGraceSeconds');
    expectRefused({ LEERID_PORT: 'eighty' }, 'LEERID_PORT', /port: .*expected number/);
    const nested = configFile('{ "accounts": { "handoverTtlDays": " " }, "port": null }');
    expect(refusalOf({ LEERID_CONFIG: nested }).message)
      .to.contain('accounts.handoverTtlDays')
      .and.contain('port');
    expect(loadConfig({ LEERID_SHUTDOWN_GRACE_SECONDS: '2.5' }).shutdownGraceSeconds).to.equal(2.5);
    expect(loadConfig({ LEERID_SHUTDOWN_DELAY_SECONDS: '5' }).shutdownDelaySeconds).to.equal(5);
  });

  it('refuses a config file that is not a JSON object, naming the file', function () {
    for (const text of ['null', '[]', '"issuer"', '42']) {
      const file = configFile(text);
      const error = refusalOf({ LEERID_CONFIG: file });
      expect(error.code).to.equal('config.invalid');
      expect(error.message).to.contain(file).and.contain('JSON object');
    }
  });

  it('blames the environment variable, not the config file, for a bad value in it', function () {
    const file = configFile('{ "logLevel": "warn" }');
    const error = refusalOf({ LEERID_CONFIG: file, LEERID_PORT: '99999' });
    expect(error.message).to.match(/^LEERID_PORT: port: /);
    expect(error.message).not.to.contain(file);

    const both = refusalOf({ LEERID_CONFIG: configFile('{ "port": -1 }'), LEERID_TIMEZONE: 'X/Y' });
    expect(both.message).to.match(/config-\w+\.json: port: /);
    expect(both.message).to.contain('LEERID_TIMEZONE: timezone: ');
  });

  it('allows the console mail transport only for an issuer on this machine', function () {
    const https = { LEERID_ISSUER: 'https://leerid.example.org', LEERID_PROXY_HOPS: '1' };
    expectRefused(
      { ...https, LEERID_MAIL_TRANSPORT: 'console' },
      'LEERID_MAIL_TRANSPORT',
      /only for an issuer on this machine/,
    );
    expectRefused(
      { LEERID_ISSUER: 'http://192.0.2.10:3000', LEERID_MAIL_TRANSPORT: 'console' },
      'LEERID_MAIL_TRANSPORT',
      /console/,
    );
    for (const issuer of ['http://localhost:3000', 'http://127.0.0.1:4000', 'http://[::1]:3000']) {
      const config = loadConfig({ LEERID_ISSUER: issuer, LEERID_MAIL_TRANSPORT: 'console' });
      expect(config.mail.transport).to.equal('console');
    }
  });
});
