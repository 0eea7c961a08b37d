/**
 * Key rotation as an operator does it: `leerid keys rotate`, restart, and
 * later `leerid keys retire`, restart. During the overlap the new key signs
 * while tokens of the old key still verify and sessions survive (cookie
 * keys rotate alongside); after retirement the old key is gone.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { PACKAGE_ROOT } from '../../../src/util/package-root.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { freePort, nodeEnvIn, startLeerIdNode, type NodeProcess } from '../../helpers/processes.js';
import { login, relyingParty, type RelyingParty } from '../../helpers/relying-party.js';
import { CALLBACK, CLIENT, PASSWORD, PUPIL } from './operations.config.js';

const run = promisify(execFile);

describe('signing and cookie key rotation', function () {
  this.timeout(120_000);

  const dir = mkdtempSync(join(tmpdir(), 'leerid-keys-'));
  const env = nodeEnvIn(dir);
  let port: number;
  let node: NodeProcess | undefined;

  before(async function () {
    const db = await freshDb(env.LEERID_DATABASE_URL);
    await insertPupil(db, PUPIL);
    await db.destroy();
    writeFileSync(env.LEERID_CLIENTS_FILE, JSON.stringify({ clients: [CLIENT] }));
    port = await freePort();
  });

  after(async function () {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** (Re)starts the node on the same address, as a deployment restart does. */
  async function restart() {
    await node?.stop();
    node = await startLeerIdNode(port, { ...env, LEERID_ISSUER: issuer() });
  }

  const issuer = () => `http://127.0.0.1:${port}`;

  async function keysCommand(...args: string[]) {
    const { stdout } = await keysCommandWith(env, ...args);
    return stdout;
  }

  /** `leerid keys …` with `extra` on top of the suite's environment; never rejects. */
  async function keysCommandWith(extra: Record<string, string>, ...args: string[]) {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'keys', ...args],
        { cwd: PACKAGE_ROOT, env: { ...process.env, ...env, ...extra } },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  async function publishedJwks(): Promise<JSONWebKeySet> {
    return (await (await fetch(`${issuer()}/jwks`)).json()) as JSONWebKeySet;
  }

  async function signIn(rp: RelyingParty) {
    const { page, finish } = await rp.authorize('openid');
    const landing = page.url.startsWith(CALLBACK)
      ? page
      : await login(rp.browser, page, PUPIL.username, PASSWORD);
    return { tokens: await finish(landing), askedForPassword: landing !== page };
  }

  it('signs with the new key, verifies the old, keeps sessions, then retires', async function () {
    await restart();
    const rp = await relyingParty(issuer(), CLIENT.client_id, CLIENT.client_secret);
    const first = await signIn(rp);
    const oldToken = first.tokens.id_token as string;
    const oldKid = decodeProtectedHeader(oldToken).kid;

    const rotated = await keysCommand('rotate');
    const newKid = /signing with: (\S+) \(RS256\)/.exec(rotated)?.[1];
    expect(newKid).to.be.a('string').and.not.equal(oldKid);
    const stored = JSON.parse(readFileSync(join(dir, 'keys', 'jwks.json'), 'utf8'));
    expect(stored.keys.map((key: { kid: string }) => key.kid)).to.include.members([oldKid, newKid]);
    await restart();

    const overlap = await publishedJwks();
    await jwtVerify(oldToken, createLocalJWKSet(overlap), { issuer: issuer() });
    expect(overlap.keys.every((key) => key.d === undefined)).to.equal(true);

    const second = await signIn(rp);
    expect(second.askedForPassword, 'the session survives the cookie key rotation').to.equal(false);
    expect(decodeProtectedHeader(second.tokens.id_token as string).kid).to.equal(newKid);

    const retired = await keysCommand('retire', '--older-than', '0');
    expect(retired).to.contain(`retired: ${oldKid}`);
    await restart();

    const after = await publishedJwks();
    expect(after.keys.map((key) => key.kid)).not.to.include(oldKid);
    const refused = await jwtVerify(oldToken, createLocalJWKSet(after)).catch((e: Error) => e);
    expect(refused).to.be.instanceOf(Error);
    const third = await signIn(rp);
    expect(decodeProtectedHeader(third.tokens.id_token as string).kid).to.equal(newKid);
  });

  it('rotates the files LEERID_JWKS_FILE and LEERID_COOKIE_KEYS_FILE name', async function () {
    // These used to be read as the secrets LEERID_JWKS / LEERID_COOKIE_KEYS,
    // and rotate refused keys "from the environment", naming these very variables.
    const shared = join(dir, 'shared');
    const files = {
      LEERID_JWKS_FILE: join(shared, 'jwks.json'),
      LEERID_COOKIE_KEYS_FILE: join(shared, 'cookie-keys.json'),
    };
    expect((await keysCommandWith(files, 'init')).code).to.equal(0);
    await node?.stop();
    node = await startLeerIdNode(port, { ...env, ...files, LEERID_ISSUER: issuer() });
    const before = (await publishedJwks()).keys.map((key) => key.kid);

    const rotated = await keysCommandWith(files, 'rotate');
    expect(rotated.stderr).to.equal('');
    expect(rotated.code).to.equal(0);
    const newKid = /signing with: (\S+) \(RS256\)/.exec(rotated.stdout)?.[1] as string;
    const stored = JSON.parse(readFileSync(files.LEERID_JWKS_FILE, 'utf8'));
    const storedKids = stored.keys.map((key: { kid: string }) => key.kid);
    expect(storedKids[0]).to.equal(newKid);
    expect(storedKids.slice(2), 'the old keys stay behind the new pair').to.deep.equal(before);
    await node.stop();
    node = await startLeerIdNode(port, { ...env, ...files, LEERID_ISSUER: issuer() });
    expect((await publishedJwks()).keys.map((key) => key.kid)).to.include(newKid);
  });

  it('refuses to list or rotate a folder without keys; keys init makes them', async function () {
    const empty = { LEERID_KEYS_DIR: join(dir, 'empty-keys') };
    for (const command of ['list', 'rotate']) {
      const refused = await keysCommandWith(empty, command);
      expect(refused.code, command).to.equal(1);
      expect(refused.stderr).to.contain('keys.missing').and.contain(join(dir, 'empty-keys'));
      expect(existsSync(empty.LEERID_KEYS_DIR), 'nothing made').to.equal(false);
    }

    const init = await keysCommandWith(empty, 'init');
    expect(init.code).to.equal(0);
    expect(readdirSync(empty.LEERID_KEYS_DIR).sort()).to.deep.equal([
      'account-links.key',
      'cookie-keys.json',
      'jwks.json',
      'password-copy.key',
      'privacy-log.key',
    ]);
    const listed = await keysCommandWith(empty, 'list');
    expect(listed.stdout.match(/ signs$/gm)).to.have.length(2);
  });
});
