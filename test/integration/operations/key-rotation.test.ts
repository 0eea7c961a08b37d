/**
 * Key rotation as an operator does it: `leerid keys rotate`, restart, and
 * later `leerid keys retire`, restart. During the overlap the new key signs
 * while tokens of the old key still verify and sessions survive (cookie
 * keys rotate alongside); after retirement the old key is gone.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { PACKAGE_ROOT } from '../../../src/util/package-root.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { freePort, startLeerIdNode, type NodeProcess } from '../../helpers/processes.js';
import { login, relyingParty, type RelyingParty } from '../../helpers/relying-party.js';
import { CALLBACK, CLIENT, PASSWORD, PUPIL } from './operations.config.js';

const run = promisify(execFile);

describe('signing and cookie key rotation', function () {
  this.timeout(120_000);

  const dir = mkdtempSync(join(tmpdir(), 'leerid-keys-'));
  const env = {
    LEERID_DATABASE_URL: `sqlite:${join(dir, 'leerid.sqlite')}`,
    LEERID_REDIS_URL: '',
    LEERID_CLIENTS_FILE: join(dir, 'clients.json'),
    LEERID_KEYS_DIR: join(dir, 'keys'),
    LEERID_DATA_DIR: dir,
    LEERID_LOG_LEVEL: 'warn',
  };
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
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'keys', ...args],
      {
        cwd: PACKAGE_ROOT,
        env: { ...process.env, ...env },
      },
    );
    return stdout;
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
});
