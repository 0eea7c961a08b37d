/**
 * Dependency outages: with Redis or PostgreSQL unreachable, LeerID answers
 * quickly with a 503 (a page for the browser, JSON for the platform), says
 * it is not ready, stays alive, and serves again by itself once the
 * dependency is back. A login interrupted by the outage completes after it.
 */
import { expect } from 'chai';
import * as oidc from 'openid-client';
import type { Db } from '../../../src/store/db.js';
import { freshDb, freshDbBehind, TEST_DATABASE_URL, type ProxiedDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/processes.js';
import { hasRedisServer, ownRedisServer, type OwnRedis } from '../../helpers/redis-server.js';
import { redisRequired } from '../../helpers/redis.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { tcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import type { Page } from '../../helpers/user-agent.js';
import { CALLBACK, CLIENT, PASSWORD, PUPIL } from './operations.config.js';

/** Generous for a shared 2-core machine; a hang would take the 5 s pool timeout. */
const FAST_MS = 1500;
const RECOVERY_MS = 15_000;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function readiness(issuer: string) {
  const response = await fetch(`${issuer}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** What a platform's back end sees at the token endpoint during an outage. */
async function tokenRequest(issuer: string) {
  return fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${CLIENT.client_id}:${CLIENT.client_secret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: CALLBACK,
    }),
  });
}

/**
 * The whole outage: a login page opened before, every kind of request
 * during, and the same login finished after the dependency returns.
 */
async function outageScenario(
  server: TestServer,
  dependency: 'redis' | 'database',
  cut: () => Promise<void>,
  restore: () => Promise<void>,
) {
  const rp = await relyingParty(server.issuer, CLIENT.client_id, CLIENT.client_secret);
  const { page, finish } = await rp.authorize('openid profile');
  expect(page.html).to.contain('name="password"');

  await cut();

  const attempt = await timed(() => login(rp.browser, page, PUPIL.username, PASSWORD));
  expect(attempt.value.status).to.equal(503);
  expect(attempt.value.html).to.contain('temporarily_unavailable');
  expect(attempt.ms).to.be.below(FAST_MS);

  const ready = await timed(() => readiness(server.issuer));
  expect(ready.value.status).to.equal(503);
  expect(ready.value.body[dependency]).to.equal(false);
  expect(ready.ms).to.be.below(FAST_MS);

  const token = await timed(() => tokenRequest(server.issuer));
  expect(token.value.status).to.equal(503);
  expect(token.value.headers.get('retry-after')).to.equal('5');
  expect(await token.value.json()).to.include({ error: 'temporarily_unavailable' });
  expect(token.ms).to.be.below(FAST_MS);

  const fresh = await timed(() => rp.browser.open(`${server.issuer}/auth?client_id=x`));
  expect(fresh.value.status).to.equal(503);
  expect(fresh.ms).to.be.below(FAST_MS);
  expect((await fetch(`${server.issuer}/healthz`)).status).to.equal(200);

  // Platforms keep finding the provider and its keys: neither needs the store.
  for (const path of ['/.well-known/openid-configuration', '/jwks']) {
    const answer = await timed(() => fetch(`${server.issuer}${path}`));
    expect(answer.value.status, path).to.equal(200);
    expect(answer.ms, path).to.be.below(FAST_MS);
  }

  await restore();
  await waitFor(async () => (await readiness(server.issuer)).status === 200, RECOVERY_MS);

  // The interaction stored before the outage is intact: the login completes.
  const landing: Page = await login(rp.browser, page, PUPIL.username, PASSWORD);
  expect(landing.url.startsWith(CALLBACK)).to.equal(true);
  const tokens = await finish(landing);
  const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, oidc.skipSubjectCheck);
  expect(userinfo.given_name).to.equal(PUPIL.givenName);
}

describe('faults: Redis unreachable', function () {
  this.timeout(60_000);
  const available = hasRedisServer();
  if (!available && redisRequired()) throw new Error('redis-server is needed for the fault tests');

  let redis: OwnRedis;
  let db: Db;
  let server: TestServer;

  before(async function () {
    if (!available) this.skip();
    redis = await ownRedisServer();
    db = await freshDb();
    await insertPupil(db, PUPIL);
    server = await startServer({
      db,
      clients: [CLIENT],
      config: { redisUrl: redis.url, redisKeyPrefix: 'faults:', dependencyTimeoutMs: 500 },
    });
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
    await redis?.remove();
  });

  it('answers 503 fast, is not ready, recovers; an interrupted login completes', async function () {
    await outageScenario(server, 'redis', redis.stop, redis.start);
  });

  it('leaves no Redis key without an expiry after the outage', async function () {
    const client = server.app.redis;
    if (!client) throw new Error('no Redis');
    const keys = await client.keys('*');
    expect(keys.length).to.be.above(0);
    for (const key of keys) {
      expect(await client.ttl(key.slice('faults:'.length)), key).to.be.above(0);
    }
  });
});

describe('faults: PostgreSQL unreachable', function () {
  this.timeout(60_000);
  const isPostgres = TEST_DATABASE_URL.startsWith('postgres');

  let database: ProxiedDb<TcpProxy>;
  let server: TestServer;

  before(async function () {
    if (!isPostgres) this.skip();
    database = await freshDbBehind(tcpProxy);
    await insertPupil(database.direct, PUPIL);

    // Everything on PostgreSQL (no Redis), so the outage hits every step.
    server = await startServer({
      db: database.db,
      clients: [CLIENT],
      config: { redisUrl: undefined, dependencyTimeoutMs: 500 },
    });
  });

  after(async function () {
    await server?.close();
    await database?.close();
  });

  it('answers 503 fast, is not ready, recovers; an interrupted login completes', async function () {
    const { proxy } = database;
    await outageScenario(server, 'database', proxy.close, proxy.open);
  });
});
