/** Where signing and cookie keys come from, and what is refused. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LeerIdError } from '../../../src/errors/index.js';
import { generateSigningKeys, loadKeys } from '../../../src/oidc/keys.js';

const COOKIE_KEY = 'a-cookie-key-of-at-least-32-characters';

async function codeOf(work: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await work();
    return undefined;
  } catch (error) {
    return error instanceof LeerIdError ? error.code : String(error);
  }
}

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
    expect(await codeOf(missing)).to.equal('keys.invalid');
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
      expect(await codeOf(load)).to.equal('keys.invalid');
    }
    const short = () =>
      loadKeys({ keysDir: '/x', jwks: JSON.stringify({ keys: [rsa] }), cookieKeys: '["short"]' });
    expect(await codeOf(short)).to.equal('keys.invalid');
  });
});
