/**
 * Graceful shutdown of `leerid serve` on SIGTERM: a request in flight is
 * still answered, new connections are refused, the privacy log buffer is
 * written before exit, and the process ends with status 0. When something
 * hangs (a stalled database), the process still ends: at a second signal at
 * once, otherwise after the grace period and the flush allowance, with
 * status 1 and a count of what it could not write.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FLUSH_ALLOWANCE_MS } from '../../../src/commands/serve.js';
import { createDb, type Db } from '../../../src/store/db.js';
import { freshDb, TEST_DATABASE_URL } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { freePort, nodeEnvIn, startLeerIdNode, type NodeProcess } from '../../helpers/processes.js';
import { testRedisPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { CLIENT, PASSWORD, PUPIL } from './operations.config.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** clients.json and config.json in `dir`; the privacy log flushes only at shutdown within a test. */
function writeNodeFiles(dir: string) {
  writeFileSync(join(dir, 'clients.json'), JSON.stringify({ clients: [CLIENT] }));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ privacyLog: { flushIntervalMs: 10_000 } }),
  );
}

/** `leerid serve` on a free port with the files in `dir`, logging at info, `env` on top. */
async function startNodeIn(dir: string, env: Record<string, string>) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const node = await startLeerIdNode(port, {
    ...nodeEnvIn(dir),
    LEERID_CONFIG: join(dir, 'config.json'),
    LEERID_ISSUER: issuer,
    LEERID_LOG_LEVEL: 'info',
    ...env,
  });
  return { node, issuer };
}

/** A token request whose body is still on its way: it stays in flight until `end()`. */
function slowTokenRequest(issuer: string) {
  const body = 'grant_type=authorization_code&code=not-a-code&redirect_uri=x';
  const inFlight = request(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${CLIENT.client_id}:${CLIENT.client_secret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(body.length),
    },
  });
  inFlight.on('error', () => {});
  inFlight.write(body.slice(0, 12));
  return { request: inFlight, end: () => void inFlight.end(body.slice(12)) };
}

describe('graceful shutdown', function () {
  this.timeout(60_000);

  const dir = mkdtempSync(join(tmpdir(), 'leerid-shutdown-'));
  const databaseUrl = `sqlite:${join(dir, 'leerid.sqlite')}`;
  let node: NodeProcess;
  let issuer: string;

  before(async function () {
    const db = await freshDb(databaseUrl);
    await insertPupil(db, PUPIL);
    await db.destroy();

    writeNodeFiles(dir);
    ({ node, issuer } = await startNodeIn(dir, { LEERID_DATABASE_URL: databaseUrl }));
  });

  after(async function () {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the request in flight, refuses new ones, flushes, and exits 0', async function () {
    const rp = await relyingParty(issuer, CLIENT.client_id, CLIENT.client_secret);
    const { page, finish } = await rp.authorize('openid profile');
    await finish(await login(rp.browser, page, PUPIL.username, PASSWORD));

    // A token request whose body is still on its way when SIGTERM arrives.
    const inFlight = slowTokenRequest(issuer);
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      inFlight.request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      inFlight.request.on('error', reject);
    });
    await sleep(300);

    const exited = node.stop();
    await sleep(500);
    const refused = await fetch(`${issuer}/healthz`).catch((error: Error) => error);
    expect(refused).to.be.instanceOf(Error);

    inFlight.end();
    const answer = await answered;
    expect(answer.status).to.equal(400);
    expect(JSON.parse(answer.text)).to.include({ error: 'invalid_grant' });

    expect(await exited).to.equal(0);
    expect(node.output()).to.match(/"msg":"shut down"/);
    expect(node.output()).to.match(/"requests":"clean"/);

    const db = createDb(databaseUrl);
    try {
      const row = await db('privacy_log').count({ n: '*' }).first();
      expect(Number(row?.n)).to.be.above(0);
    } finally {
      await db.destroy();
    }
  });
});

/** The log lines of a node's output that are JSON. */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Holds a PostgreSQL table lock, as a stalled database would hold every statement on it. */
async function lockTables(db: Db, tables: string[]) {
  const trx = await db.transaction();
  await trx.raw(`lock table ${tables.join(', ')} in access exclusive mode`);
  return { release: () => trx.rollback() };
}

/**
 * A grace period of 1 s, and statements allowed to wait 10 s: a locked table
 * then stands for a database that is slow or stalled, not one found down.
 */
const SLOW_DATABASE = {
  LEERID_SHUTDOWN_GRACE_SECONDS: '1',
  LEERID_DEPENDENCY_TIMEOUT_MS: '10000',
};

describe('shutdown: delay, second signal, hung database', function () {
  this.timeout(90_000);

  const onPostgres = TEST_DATABASE_URL.startsWith('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'leerid-shutdown-hang-'));
  const databaseUrl = onPostgres ? TEST_DATABASE_URL : `sqlite:${join(dir, 'leerid.sqlite')}`;
  let db: Db;
  let node: NodeProcess | undefined;
  let issuer: string;

  async function startNode(env: Record<string, string> = {}) {
    await db('pupils').del();
    await insertPupil(db, PUPIL);
    const started = await startNodeIn(dir, {
      LEERID_DATABASE_URL: databaseUrl,
      LEERID_REDIS_URL: TEST_REDIS_URL ?? '',
      LEERID_REDIS_KEY_PREFIX: testRedisPrefix(),
      ...env,
    });
    issuer = started.issuer;
    node = started.node;
    return node;
  }

  /** SIGTERM, then how the process ended and how long after the signal. */
  async function terminate(running: NodeProcess, then?: () => void | Promise<void>) {
    const signalled = performance.now();
    const exited = running.stop();
    await then?.();
    const code = await exited;
    return { code, ms: performance.now() - signalled };
  }

  before(async function () {
    db = await freshDb(databaseUrl);
    writeNodeFiles(dir);
  });

  afterEach(async function () {
    await node?.stop();
    node = undefined;
  });

  after(async function () {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving for shutdownDelaySeconds while /readyz says draining', async function () {
    writeFileSync(join(dir, 'delay.json'), JSON.stringify({ shutdownDelaySeconds: 2 }));
    const running = await startNode({ LEERID_CONFIG: join(dir, 'delay.json') });

    const { code, ms } = await terminate(running, async () => {
      await sleep(500);
      const ready = await fetch(`${issuer}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.include({ draining: true });
      const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(discovery.status).to.equal(200);
      // Keep-alive clients are sent elsewhere for their next request.
      expect(discovery.headers.get('connection')).to.equal('close');
    });
    expect(code).to.equal(0);
    expect(ms).to.be.above(2000);
  });

  it('ends at once, with status 1, at a second signal', async function () {
    const running = await startNode();
    const inFlight = slowTokenRequest(issuer);
    await sleep(300);

    const { code, ms } = await terminate(running, () => {
      setTimeout(() => running.child.kill('SIGTERM'), 500);
    });
    inFlight.request.destroy();
    expect(code).to.equal(1);
    expect(ms).to.be.below(3000);
    const cut = logLines(running.output()).find(
      (line) => line.msg === 'shutdown cut short: exiting with work unfinished',
    );
    expect(cut).to.include({ reason: 'second SIGTERM', requestsRunning: 1 });
  });

  it('ends with status 1 after grace and flush allowance when PostgreSQL hangs', async function () {
    if (!onPostgres) this.skip();
    const running = await startNode(SLOW_DATABASE);
    const stall = await lockTables(db, ['privacy_log']);
    try {
      const rp = await relyingParty(issuer, CLIENT.client_id, CLIENT.client_secret);
      const { page, finish } = await rp.authorize('openid profile');
      await finish(await login(rp.browser, page, PUPIL.username, PASSWORD));

      const { code, ms } = await terminate(running);
      expect(code).to.equal(1);
      expect(ms).to.be.within(1000 + FLUSH_ALLOWANCE_MS - 500, 1000 + FLUSH_ALLOWANCE_MS + 3000);
      const cut = logLines(running.output()).find(
        (line) => line.msg === 'shutdown cut short: exiting with work unfinished',
      );
      expect(cut).to.include({ waitingFor: 'privacy log and Redis', requestsRunning: 0 });
      expect(cut?.privacyLogUnwritten).to.be.above(0);
    } finally {
      await stall.release();
    }
  });

  it('closes Redis after a cut request ends: no Redis outage in its log', async function () {
    if (!onPostgres || !TEST_REDIS_URL) this.skip();
    const running = await startNode(SLOW_DATABASE);
    const rp = await relyingParty(issuer, CLIENT.client_id, CLIENT.client_secret);
    const { page } = await rp.authorize('openid profile');

    // The login waits on the locked accounts table past the grace period.
    const stall = await lockTables(db, ['accounts']);
    const attempt = login(rp.browser, page, PUPIL.username, PASSWORD).catch(
      (error: Error) => error,
    );
    await sleep(500);
    const { code } = await terminate(running, () => {
      setTimeout(() => void stall.release(), 2500);
    });

    expect(await attempt).to.be.instanceOf(Error);
    expect(code).to.equal(0);
    const lines = logLines(running.output());
    expect(lines.filter((line) => line.dependency)).to.deep.equal([]);
    const loginLine = lines.find(
      (line) => line.method === 'POST' && line.path === '/interaction/:uid/login',
    );
    expect(loginLine).to.include({ cut: true });
  });
});
