/**
 * Connections that stay open but go silent, which a stopped server does not
 * show: a request already waiting on PostgreSQL or Redis gets its 503 within
 * about dependencyTimeoutMs, and a connection that never answers again is
 * replaced, so the node serves again without anyone resetting it. Also what
 * a platform sees when its code exchange is cut after the code was used
 * (README, "Health, readiness and outages").
 */
import { expect } from 'chai';
import * as oidc from 'openid-client';
import { createServingDb, type Db } from '../../../src/store/db.js';
import { freshDb, freshDbBehind, TEST_DATABASE_URL, type ProxiedDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { faultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { waitFor } from '../../helpers/processes.js';
import { hasRedisServer, ownRedisServer, type OwnRedis } from '../../helpers/redis-server.js';
import { redisRequired } from '../../helpers/redis.js';
import {
  login,
  relyingParty,
  type RelyingParty,
  type Tokens,
} from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import type { Page } from '../../helpers/user-agent.js';
import { CLIENT, CALLBACK, PASSWORD, PUPIL } from './operations.config.js';

const TIMEOUT_MS = 500;
/** Waiting for a connection, then one statement or command; slack for a shared 2-core machine. */
const BOUNDED_MS = 2 * TIMEOUT_MS + 1000;
const RECOVERY_MS = 15_000;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function isReady(issuer: string): Promise<boolean> {
  return (await fetch(`${issuer}/readyz`)).status === 200;
}

function userinfo(issuer: string, accessToken: string) {
  return fetch(`${issuer}/me`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
}

interface LoginPage {
  rp: RelyingParty;
  page: Page;
  finish: (landing: Page) => Promise<Tokens>;
}

/** A pupil on the login page, in a browser of its own (no LeerID session yet). */
async function loginPage(server: TestServer): Promise<LoginPage> {
  const rp = await relyingParty(server.issuer, CLIENT.client_id, CLIENT.client_secret);
  const { page, finish } = await rp.authorize('openid profile');
  expect(page.html).to.contain('name="password"');
  return { rp, page, finish };
}

function submit({ rp, page }: LoginPage): Promise<Page> {
  return login(rp.browser, page, PUPIL.username, PASSWORD);
}

/** The login submitted during the fault is answered 503 within BOUNDED_MS. */
async function refusedInTime(pending: LoginPage) {
  const attempt = await timed(() => submit(pending));
  expect(attempt.value.status).to.equal(503);
  expect(attempt.ms).to.be.below(BOUNDED_MS);
}

/** A login answered 503 during the fault completes once the node is ready again. */
async function completesAfter(server: TestServer, pending: LoginPage) {
  await waitFor(() => isReady(server.issuer), RECOVERY_MS);
  const landing = await submit(pending);
  expect(landing.url.startsWith(CALLBACK)).to.equal(true);
  const tokens = await pending.finish(landing);
  const claims = await oidc.fetchUserInfo(
    pending.rp.config,
    tokens.access_token,
    oidc.skipSubjectCheck,
  );
  expect(claims.given_name).to.equal(PUPIL.givenName);
}

/** The platform's failed code exchange, from what its OpenID Connect library throws. */
async function exchangeFailure(pending: LoginPage, landing: Page) {
  const failure: unknown = await pending.finish(landing).then(
    () => expect.fail('the code exchange succeeded'),
    (error: unknown) => error,
  );
  if (failure instanceof oidc.ResponseBodyError) {
    return { status: failure.status, error: failure.error, retryAfter: null };
  }
  // openid-client reads no error body from a 5xx; the response is the cause.
  const response = (failure as { cause?: unknown }).cause;
  if (!(response instanceof Response)) throw failure;
  const body = (await response.json()) as { error?: string };
  return {
    status: response.status,
    error: body.error,
    retryAfter: response.headers.get('retry-after'),
  };
}

describe('faults: PostgreSQL goes silent', function () {
  this.timeout(60_000);
  const isPostgres = TEST_DATABASE_URL.startsWith('postgres');

  let database: ProxiedDb<FaultProxy>;
  let proxy: FaultProxy;
  let server: TestServer;

  before(async function () {
    if (!isPostgres) this.skip();
    database = await freshDbBehind(faultProxy);
    proxy = database.proxy;
    await insertPupil(database.direct, PUPIL);
    server = await startServer({
      db: database.db,
      clients: [CLIENT],
      config: { redisUrl: undefined, dependencyTimeoutMs: TIMEOUT_MS },
    });
  });

  after(async function () {
    try {
      await server?.close();
    } finally {
      await database?.close();
    }
  });

  it('answers requests already waiting on a paused database with a 503 in time', async function () {
    const earlier = await loginPage(server);
    const tokens = await earlier.finish(await submit(earlier));
    const pending = await loginPage(server);

    proxy.pause();
    // Both in flight together, before either can mark the database down.
    const [attempt, claims] = await Promise.all([
      timed(() => submit(pending)),
      timed(() => userinfo(server.issuer, tokens.access_token)),
    ]);
    expect(attempt.value.status).to.equal(503);
    expect(attempt.value.html).to.contain('temporarily_unavailable');
    expect(attempt.ms).to.be.below(BOUNDED_MS);
    expect(claims.value.status).to.equal(503);
    expect(claims.value.headers.get('retry-after')).to.equal('5');
    expect(claims.ms).to.be.below(BOUNDED_MS);

    proxy.resume();
    await completesAfter(server, pending);
  });

  it('fails a transaction cut by the silence with the outage, not with its rollback', async function () {
    const serving = createServingDb(database.db, TIMEOUT_MS);
    try {
      // Silent between BEGIN and the statement: knex then rolls back.
      const failure: unknown = await serving
        .transaction(async (trx) => {
          proxy.pause();
          await trx.raw('select 1');
        })
        .then(
          () => expect.fail('the transaction committed'),
          (error: unknown) => error,
        );
      expect(failure).to.have.property('code', 'store.unavailable');
    } finally {
      proxy.resume();
      await serving.destroy();
    }
  });

  it('replaces connections that never answer again, without a reset', async function () {
    const earlier = await loginPage(server);
    const tokens = await earlier.finish(await submit(earlier));
    // Requests at once leave several connections in the pool, all to be frozen.
    const parallel = () =>
      Promise.all(Array.from({ length: 6 }, () => userinfo(server.issuer, tokens.access_token)));
    await parallel();
    const pending = await loginPage(server);

    proxy.freeze();
    await refusedInTime(pending);

    await completesAfter(server, pending);
    // None of the frozen connections left idle in the pool is handed out again.
    const statuses = (await parallel()).map((answer) => answer.status);
    expect(statuses).to.deep.equal(statuses.map(() => 200));
  });
});

describe('faults: the Redis connection goes silent', function () {
  this.timeout(60_000);
  const available = hasRedisServer();
  if (!available && redisRequired()) throw new Error('redis-server is needed for the fault tests');

  let redis: OwnRedis;
  let proxy: FaultProxy;
  let db: Db;
  let server: TestServer;

  before(async function () {
    if (!available) this.skip();
    redis = await ownRedisServer();
    proxy = await faultProxy('127.0.0.1', Number(new URL(redis.url).port));
    db = await freshDb();
    await insertPupil(db, PUPIL);
    server = await startServer({
      db,
      clients: [CLIENT],
      config: {
        redisUrl: `redis://127.0.0.1:${proxy.port}/0`,
        redisKeyPrefix: 'silent:',
        dependencyTimeoutMs: TIMEOUT_MS,
      },
    });
  });

  after(async function () {
    try {
      await server?.close();
    } finally {
      await db?.destroy();
      await proxy?.close();
      await redis?.remove();
    }
  });

  it('drops a connection that never answers again and reconnects by itself', async function () {
    const pending = await loginPage(server);

    proxy.freeze();
    await refusedInTime(pending);

    // The interaction stored before the freeze is read over the new connection.
    await completesAfter(server, pending);
  });

  it('refuses to retry a code exchange cut after the code was used; a new login needs no password', async function () {
    const pending = await loginPage(server);
    const landing = await submit(pending);
    // Silent right after oidc-provider marked the code used, before the tokens are stored.
    server.app.provider.once('authorization_code.consumed', () => proxy.pause());

    expect(await exchangeFailure(pending, landing)).to.deep.equal({
      status: 503,
      error: 'temporarily_unavailable',
      retryAfter: '5',
    });

    proxy.resume();
    await waitFor(() => isReady(server.issuer), RECOVERY_MS);
    expect(await exchangeFailure(pending, landing)).to.include({
      status: 400,
      error: 'invalid_grant',
    });

    // A new authorization request: the LeerID session is still there, no password asked.
    const again = await pending.rp.authorize('openid profile');
    expect(again.page.url.startsWith(CALLBACK)).to.equal(true);
    const tokens = await again.finish(again.page);
    const claims = await oidc.fetchUserInfo(
      pending.rp.config,
      tokens.access_token,
      oidc.skipSubjectCheck,
    );
    expect(claims.given_name).to.equal(PUPIL.givenName);
  });
});
