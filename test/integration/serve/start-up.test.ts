/**
 * `leerid serve` when it cannot start: a bad registration or key after the
 * database (and Redis) were opened, or a database that is not there, ends in
 * one clear line on stderr and an exit with status 1 right after it, not in
 * a process that hangs on open connections. And a start with Redis down
 * says so instead of claiming to be ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { freshDb, TEST_DATABASE_URL } from '../../helpers/db.js';
import { freePort, waitFor } from '../../helpers/processes.js';
import { testRedisPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { PACKAGE_ROOT } from '../../../src/util/package-root.js';

/** From the error line to the end of the process; a hang would take 30 s or forever. */
const EXIT_AFTER_ERROR_MS = 3000;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From the first stderr line that is LeerID's to the exit. */
  exitAfterErrorMs: number;
}

interface Serving {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the outcome once the process has exited. */
  exited: Promise<Outcome>;
}

/** Starts `leerid serve`; it is killed if it still runs after `timeoutMs`. */
function spawnServe(env: Record<string, string>, timeoutMs = 30_000): Serving {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, LEERID_HOST: '127.0.0.1', LEERID_LOG_LEVEL: 'info', ...env },
  });
  let stdout = '';
  let stderr = '';
  let errorAt = 0;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!errorAt && /^leerid: /m.test(stderr)) errorAt = performance.now();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<Outcome>((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(killer);
      const exitAfterErrorMs = errorAt ? performance.now() - errorAt : Number.POSITIVE_INFINITY;
      resolve({ code, stdout, stderr, exitAfterErrorMs });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

const runServe = (env: Record<string, string>) => spawnServe(env).exited;

/** stderr without the runtime warnings Node and oidc-provider print on Node 20. */
function leeridLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() && !/WARNING|Warning/.test(line));
}

function expectOneLineError(outcome: Outcome, pattern: RegExp) {
  const lines = leeridLines(outcome.stderr);
  expect(lines, outcome.stderr).to.have.length(1);
  expect(lines[0]).to.match(pattern);
  expect(outcome.stderr + outcome.stdout).not.to.match(/\n\s+at /);
  expect(outcome.code).to.equal(1);
  expect(outcome.exitAfterErrorMs).to.be.below(EXIT_AFTER_ERROR_MS);
}

const onPostgres = TEST_DATABASE_URL.startsWith('postgres');

describe('leerid serve: start-up', function () {
  this.timeout(60_000);

  const dir = mkdtempSync(join(tmpdir(), 'leerid-start-'));
  const badClients = join(dir, 'bad-clients.json');
  const base = {
    LEERID_DATABASE_URL: `sqlite:${join(dir, 'leerid.sqlite')}`,
    LEERID_REDIS_URL: '',
    LEERID_KEYS_DIR: join(dir, 'keys'),
    LEERID_DATA_DIR: dir,
  };

  before(async function () {
    writeFileSync(
      badClients,
      JSON.stringify({
        clients: [
          {
            client_id: 'platform-start',
            client_secret: 'secret-of-platform-start-0123456789abc',
            redirect_uris: ['not a url'],
            institutions: ['000808'],
            scopes: ['openid'],
          },
        ],
      }),
    );
    if (onPostgres) await (await freshDb()).destroy();
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits at once with the clients file error on SQLite', async function () {
    const outcome = await runServe({
      ...base,
      LEERID_PORT: String(await freePort()),
      LEERID_CLIENTS_FILE: badClients,
    });
    expectOneLineError(outcome, /^leerid: clients\.invalid: .*bad-clients\.json.*redirect_uris/);
  });

  it('exits at once with a key error on SQLite', async function () {
    const badKeys = { LEERID_JWKS: '{}', LEERID_PRIVACY_LOG_KEY: 'c2hvcnQ=' };
    for (const [name, value] of Object.entries(badKeys)) {
      const outcome = await runServe({
        ...base,
        LEERID_PORT: String(await freePort()),
        [name]: value,
      });
      expectOneLineError(outcome, new RegExp(`^leerid: (keys|config)\\.invalid: ${name}: `));
    }
  });

  it('exits at once with the clients file error on PostgreSQL and Redis', async function () {
    if (!onPostgres || !TEST_REDIS_URL) this.skip();
    const outcome = await runServe({
      ...base,
      LEERID_DATABASE_URL: TEST_DATABASE_URL,
      LEERID_REDIS_URL: TEST_REDIS_URL,
      LEERID_REDIS_KEY_PREFIX: testRedisPrefix(),
      LEERID_PORT: String(await freePort()),
      LEERID_CLIENTS_FILE: badClients,
    });
    expectOneLineError(outcome, /^leerid: clients\.invalid: /);
  });

  it('names an unreachable PostgreSQL server without its password and exits 1', async function () {
    const port = await freePort();
    const outcome = await runServe({
      ...base,
      LEERID_DATABASE_URL: `postgres://leerid:pw-never-shown-123@127.0.0.1:${port}/leerid`,
      LEERID_PORT: String(await freePort()),
    });
    expectOneLineError(
      outcome,
      new RegExp(`^leerid: store\\.unavailable: the database at 127\\.0\\.0\\.1:${port}/leerid `),
    );
    expect(outcome.stderr).to.contain('ECONNREFUSED');
    expect(outcome.stderr + outcome.stdout).not.to.contain('pw-never-shown-123');
  });

  it('starts with Redis unreachable, says it is not ready, and stops cleanly', async function () {
    const port = await freePort();
    const node = spawnServe({
      ...base,
      LEERID_PORT: String(port),
      LEERID_REDIS_URL: `redis://127.0.0.1:${await freePort()}/0`,
    });
    try {
      await waitFor(
        () => /discovery: .*\n/.test(node.stdout()),
        30_000,
        () => expect(node.child.exitCode, node.stderr()).to.equal(null),
      );
      expect(node.stdout()).to.match(
        /LeerID is listening after [\d.]+ s, not ready: redis unreachable/,
      );
      expect(node.stdout()).not.to.contain('LeerID is ready');
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.include({ redis: false });
    } finally {
      node.child.kill('SIGTERM');
    }
    expect((await node.exited).code).to.equal(0);
  });
});
