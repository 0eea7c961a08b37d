/**
 * Two LeerID processes behind one address, sharing PostgreSQL and Redis:
 * any node serves any step of a flow. The test's load balancer sends each
 * step to the node the test names and records who served what.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Db } from '../../../src/store/db.js';
import { balancer, type Balancer } from '../../helpers/balancer.js';
import { freshDb, TEST_DATABASE_URL } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { freePort, startLeerIdNode, type NodeProcess } from '../../helpers/processes.js';
import { deleteByPrefix, testRedis, testRedisPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { UserAgent } from '../../helpers/user-agent.js';
import {
  AFTER_LOGOUT,
  CALLBACK,
  CLIENT,
  PASSWORD,
  PUPIL,
  RELYING_PARTY_ORIGIN,
} from './operations.config.js';

const describeIf =
  TEST_DATABASE_URL.startsWith('postgres') && TEST_REDIS_URL ? describe : describe.skip;

describeIf('two nodes sharing PostgreSQL and Redis', function () {
  this.timeout(120_000);

  const dir = mkdtempSync(join(tmpdir(), 'leerid-nodes-'));
  const prefix = testRedisPrefix();
  let db: Db;
  let lb: Balancer;
  let nodeA: NodeProcess;
  let nodeB: NodeProcess;
  let pupilId: string;

  before(async function () {
    db = await freshDb();
    pupilId = await insertPupil(db, PUPIL);
    writeFileSync(join(dir, 'clients.json'), JSON.stringify({ clients: [CLIENT] }));

    const [portA, portB, portLb] = await Promise.all([freePort(), freePort(), freePort()]);
    lb = await balancer(portLb, portA);
    const env = {
      LEERID_ISSUER: lb.url,
      LEERID_DATABASE_URL: TEST_DATABASE_URL,
      LEERID_REDIS_URL: TEST_REDIS_URL as string,
      LEERID_REDIS_KEY_PREFIX: prefix,
      LEERID_CLIENTS_FILE: join(dir, 'clients.json'),
      LEERID_KEYS_DIR: join(dir, 'keys'),
      LEERID_DATA_DIR: dir,
      LEERID_LOG_LEVEL: 'warn',
    };
    // One after the other: node A makes the shared key files, node B reads them.
    nodeA = await startLeerIdNode(portA, env);
    nodeB = await startLeerIdNode(portB, env);
  });

  after(async function () {
    const codes = await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await lb?.close();
    const { redis, cleanup } = await testRedis(TEST_REDIS_URL, prefix);
    await deleteByPrefix(redis, prefix);
    await cleanup();
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
    expect(codes).to.deep.equal([0, 0]);
  });

  /** Requests of `work` reach the node listening on `port`, and only that node. */
  async function on<T>(node: NodeProcess, work: () => Promise<T>): Promise<T> {
    lb.target = node.port;
    const before = lb.served.length;
    const result = await work();
    const ports = new Set(lb.served.slice(before).map((request) => request.port));
    expect([...ports]).to.deep.equal([node.port]);
    return result;
  }

  it('authorizes on A, tokens on B, userinfo on A, logout on B ends both', async function () {
    const browser = new UserAgent(RELYING_PARTY_ORIGIN);
    const rp = await on(nodeA, () =>
      relyingParty(lb.url, CLIENT.client_id, CLIENT.client_secret, browser),
    );

    const { landing, finish } = await on(nodeA, async () => {
      const started = await rp.authorize('openid profile leerid');
      const page = await login(browser, started.page, PUPIL.username, PASSWORD);
      return { landing: page, finish: started.finish };
    });
    expect(landing.url.startsWith(CALLBACK)).to.equal(true);

    const tokens = await on(nodeB, () => finish(landing));
    const jwks = createRemoteJWKSet(new URL(`${lb.url}/jwks`));
    const { payload } = await on(nodeB, () =>
      jwtVerify(tokens.id_token as string, jwks, { issuer: lb.url, audience: CLIENT.client_id }),
    );
    expect(payload.sub).to.equal(pupilId);

    const userinfo = await on(nodeA, () =>
      oidc.fetchUserInfo(rp.config, tokens.access_token, pupilId),
    );
    expect(userinfo.given_name).to.equal(PUPIL.givenName);

    // The session made on A is known on B: no login page there.
    const silent = await on(nodeB, () => rp.authorize('openid'));
    expect(silent.page.url.startsWith(CALLBACK)).to.equal(true);

    const logoutUrl = new URL(`${lb.url}/session/end`);
    logoutUrl.search = new URLSearchParams({
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: AFTER_LOGOUT,
    }).toString();
    const loggedOut = await on(nodeB, async () => {
      const confirm = await browser.open(logoutUrl.toString());
      return browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    });
    expect(loggedOut.url.startsWith(AFTER_LOGOUT)).to.equal(true);

    for (const node of [nodeA, nodeB]) {
      const again = await on(node, () => rp.authorize('openid'));
      expect(again.page.status, `node on ${node.port}`).to.equal(200);
      expect(again.page.html).to.contain('name="password"');
    }
  });

  it('refreshes on B, revokes on A, and B then refuses the refresh token', async function () {
    const browser = new UserAgent(RELYING_PARTY_ORIGIN);
    const rp = await on(nodeA, () =>
      relyingParty(lb.url, CLIENT.client_id, CLIENT.client_secret, browser),
    );
    const tokens = await on(nodeA, async () => {
      const started = await rp.authorize('openid offline_access', { prompt: 'consent' });
      const page = await login(browser, started.page, PUPIL.username, PASSWORD);
      return started.finish(page);
    });
    const refreshToken = tokens.refresh_token as string;

    const refreshed = await on(nodeB, () => oidc.refreshTokenGrant(rp.config, refreshToken));
    expect(refreshed.access_token).to.be.a('string');

    await on(nodeA, () => oidc.tokenRevocation(rp.config, refreshToken));
    const reused = await on(nodeB, () =>
      oidc.refreshTokenGrant(rp.config, refreshToken).catch((error: unknown) => error),
    );
    expect(reused).to.be.instanceOf(oidc.ResponseBodyError);
    expect((reused as oidc.ResponseBodyError).error).to.equal('invalid_grant');
  });
});
