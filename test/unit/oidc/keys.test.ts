/** Where signing and cookie keys come from, and what is refused. */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  generateSigningKeys,
  initKeys,
  loadKeys,
  readKeys,
  type StoredJwk,
} from '../../../src/oidc/keys.js';
import { asyncCodeOf, asyncErrorOf } from '../../helpers/errors.js';

const COOKIE_KEY = 'a-cookie-key-of-at-least-32-characters';

describe('signing and cookie keys', function () {
  it('makes both key files in an empty keys folder and reads them back', async function () {
    const keysDir = join(mkdtempSync(join(tmpdir(), 'leerid-keys-')), 'keys');
    const made = await loadKeys({ keysDir });
    expect(made.generated).to.equal(true);
    expect(made.jwks.keys.map((key) => key.alg)).to.deep.equal(['RS256', 'ES256']);

    const again = await loadKeys({ keysDir });
    expect(again.generated).to.equal(false);
    expect(again.jwks.keys.map((key) => key.kid)).to.deep.equal(made.jwks.keys.map((k) => k.kid));
    expect(again.cookieKeys).to.deep.equal(made.cookieKeys);
  });

  it('takes keys from the environment before any file', async function () {
    const keys = await generateSigningKeys();
    const loaded = await loadKeys({
      keysDir: '/nonexistent',
      jwks: JSON.stringify({ keys }),
      cookieKeys: JSON.stringify([COOKIE_KEY]),
    });
    expect(loaded.jwks.keys.map((key) => key.kid)).to.deep.equal(keys.map((key) => key.kid));
    expect(loaded.cookieKeys).to.deep.equal([COOKIE_KEY]);
    expect(loaded.generated).to.equal(false);
  });

  it('reads named files and does not invent a missing one', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-keyfiles-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: await generateSigningKeys() }));
    writeFileSync(join(dir, 'cookies.json'), JSON.stringify([COOKIE_KEY]));
    const loaded = await loadKeys({
      keysDir: dir,
      jwksFile: join(dir, 'jwks.json'),
      cookieKeysFile: join(dir, 'cookies.json'),
    });
    expect(loaded.cookieKeys).to.deep.equal([COOKIE_KEY]);

    const missing = () => loadKeys({ keysDir: dir, jwksFile: join(dir, 'absent.json') });
    expect(await asyncCodeOf(missing)).to.equal('keys.missing');
  });

  it('refuses public keys, other algorithms, no RS256, and short cookie keys', async function () {
    const [rsa, ec] = await generateSigningKeys();
    const { d: _d, ...publicRsa } = rsa as Record<string, unknown>;
    const cases = [
      { keys: [publicRsa] },
      { keys: [{ ...rsa, alg: 'HS256' }] },
      { keys: [ec] },
      { nokeys: true },
    ];
    for (const jwks of cases) {
      const load = () =>
        loadKeys({ keysDir: '/x', jwks: JSON.stringify(jwks), cookieKeys: `["${COOKIE_KEY}"]` });
      expect(await asyncCodeOf(load)).to.equal('keys.invalid');
    }
    const short = () =>
      loadKeys({ keysDir: '/x', jwks: JSON.stringify({ keys: [rsa] }), cookieKeys: '["short"]' });
    expect(await asyncCodeOf(short)).to.equal('keys.invalid');
  });

  it('refuses a key whose type does not fit its alg, or a kid used twice, naming the kid', async function () {
    const [rsa, ec] = (await generateSigningKeys()) as [StoredJwk, StoredJwk];
    const cases: [StoredJwk[], RegExp][] = [
      [[rsa, { ...ec, alg: 'RS256' }], new RegExp(`key ${ec.kid} .*needs an RSA key, not EC`)],
      [[rsa, { ...rsa, alg: 'ES256', kid: 'k2' }], /key k2 .*needs an EC P-256 key, not RSA/],
      [[rsa, { ...ec, kid: rsa.kid as string }], new RegExp(`kid ${rsa.kid} is used twice`)],
    ];
    for (const [keys, problem] of cases) {
      const error = await asyncErrorOf(() => loadKeys(fromEnv(keys)));
      expect(error.code).to.equal('keys.invalid');
      expect(error.message)
        .to.match(/^LEERID_JWKS: /)
        .and.match(problem);
    }
  });

  it('refuses an RSA key under 2048 bits and a key that cannot sign at start', async function () {
    const [rsa, ec] = (await generateSigningKeys()) as [StoredJwk, StoredJwk];
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      format: 'jwk',
    });
    const cases: [StoredJwk[], RegExp][] = [
      [[{ ...weak, alg: 'RS256', kid: 'weak' }], /key weak .*1024 bits/],
      [[{ ...rsa, n: (rsa.n as string).slice(0, 200) }], /bits; RS256 needs at least 2048/],
      [[rsa, { ...ec, d: (rsa.d as string).slice(0, 43) }], /does not match its public key/],
      [[rsa, { ...ec, x: ec.y as string }], /not a usable EC key/],
    ];
    for (const [keys, problem] of cases) {
      const error = await asyncErrorOf(() => loadKeys(fromEnv(keys)));
      expect(error.code).to.equal('keys.invalid');
      expect(error.message).to.match(problem);
    }
  });

  it('names the key file and its setting in errors about a named file', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-keyfiles-'));
    const jwksFile = join(dir, 'jwks.json');
    const [rsa, ec] = await generateSigningKeys();
    writeFileSync(jwksFile, JSON.stringify({ keys: [rsa, { ...ec, alg: 'RS256' }] }));
    const cookieKeysFile = join(dir, 'cookies.json');
    writeFileSync(cookieKeysFile, JSON.stringify([COOKIE_KEY]));
    const error = await asyncErrorOf(() => loadKeys({ keysDir: dir, jwksFile, cookieKeysFile }));
    expect(error.message).to.contain(`${jwksFile} (jwksFile, LEERID_JWKS_FILE)`);
    expect(error.message).not.to.contain('LEERID_JWKS:');
  });

  it('makes named files only when asked (keys init), never while reading', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-keyfiles-'));
    const config = {
      keysDir: join(dir, 'unused'),
      jwksFile: join(dir, 'named', 'jwks.json'),
      cookieKeysFile: join(dir, 'named', 'cookies.json'),
    };
    expect((await asyncErrorOf(async () => readKeys(config))).code).to.equal('keys.missing');
    expect((await asyncErrorOf(() => loadKeys(config))).code).to.equal('keys.missing');
    expect(existsSync(config.jwksFile)).to.equal(false);

    const made = await initKeys(config);
    expect(made.map((file) => file.file)).to.deep.equal([config.jwksFile, config.cookieKeysFile]);
    expect(await initKeys(config), 'a second init keeps what is there').to.deep.equal([]);
    expect(readKeys(config).jwks.keys.map((key) => key.alg)).to.deep.equal(['RS256', 'ES256']);
    expect(existsSync(config.keysDir)).to.equal(false);
  });

  it('reports a keys folder that cannot be made as keys.not_writable, naming the file', async function () {
    const error = await asyncErrorOf(() => loadKeys({ keysDir: '/dev/null/keys' }));
    expect(error.code).to.equal('keys.not_writable');
    expect(error.message).to.contain('/dev/null/keys/jwks.json').and.contain('not a folder');
  });
});

function fromEnv(keys: StoredJwk[]) {
  return {
    keysDir: '/nonexistent',
    jwks: JSON.stringify({ keys }),
    cookieKeys: `["${COOKIE_KEY}"]`,
  };
}
