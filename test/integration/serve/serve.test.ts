/**
 * The start command on the embedded default: a child process with nothing
 * prepared (empty data and keys folders) comes up, imports demo data,
 * prints issuer, demo client and demo logins, serves discovery, and stops
 * cleanly on SIGTERM. On PostgreSQL too, where no SQLite file makes the
 * data folder for the demo dump.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { expect } from 'chai';
import { freshDb, TEST_DATABASE_URL } from '../../helpers/db.js';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number) {
  return new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

describe('leerid serve --demo', function () {
  this.timeout(90_000);

  it('starts from nothing, prints how to log in, and stops cleanly', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-serve-'));
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--demo'], {
      env: {
        ...process.env,
        LEERID_DATABASE_URL: `sqlite:${join(dir, 'leerid.sqlite')}`,
        LEERID_DATA_DIR: dir,
        LEERID_KEYS_DIR: join(dir, 'keys'),
        LEERID_PORT: String(port),
        LEERID_ISSUER: issuer,
        LEERID_LOG_LEVEL: 'warn',
      },
    });

    try {
      const output = await waitForOutput(child, /demo pupils[^\n]*\n(.*\n){3}/, 60_000);
      expect(output).to.contain(`issuer:    ${issuer}`);
      expect(output).to.match(/demo client: client_id=demo-platform client_secret=\S{32,}/);
      expect(output).to.match(/lotte\.janssens\s+current enrolment in demo school 1 only/);
      expect(existsSync(join(dir, 'keys', 'jwks.json'))).to.equal(true);

      const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect((await discovery.json()).issuer).to.equal(issuer);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).to.equal(0);
  });

  it('on PostgreSQL makes the data folder for the demo dump', async function () {
    if (!TEST_DATABASE_URL.startsWith('postgres')) this.skip();
    await (await freshDb()).destroy();
    const dir = mkdtempSync(join(tmpdir(), 'leerid-serve-pg-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--demo'], {
      env: {
        ...process.env,
        LEERID_DATABASE_URL: TEST_DATABASE_URL,
        LEERID_REDIS_URL: '',
        LEERID_DATA_DIR: join(dir, 'not', 'made', 'yet'),
        LEERID_KEYS_DIR: join(dir, 'keys'),
        LEERID_PORT: String(port),
        LEERID_ISSUER: `http://127.0.0.1:${port}`,
        LEERID_LOG_LEVEL: 'warn',
      },
    });

    try {
      const output = await waitForOutput(child, /demo pupils[^\n]*\n(.*\n){3}/, 60_000);
      expect(output).to.match(/lotte\.janssens\s+current enrolment in demo school 1 only/);
      expect(existsSync(join(dir, 'not', 'made', 'yet', 'demo-dump.csv.gz'))).to.equal(true);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).to.equal(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
