/**
 * `leerid serve` with settings an operator gets wrong: each stops the start
 * with exit code 1 and one line naming the setting, instead of a node that
 * reports ready on the wrong database, a stack trace (exit 70), or a key
 * silently made at a mistyped path.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { generateSigningKeys } from '../../../src/oidc/keys.js';
import { PACKAGE_ROOT } from '../../../src/util/package-root.js';
import { freePort, nodeEnvIn } from '../../helpers/processes.js';

const run = promisify(execFile);

describe('start-up with wrong settings', function () {
  this.timeout(60_000);

  const dir = mkdtempSync(join(tmpdir(), 'leerid-config-errors-'));
  let env: Record<string, string>;

  before(async function () {
    writeFileSync(join(dir, 'clients.json'), JSON.stringify({ clients: [] }));
    const port = await freePort();
    env = {
      ...nodeEnvIn(dir),
      LEERID_PORT: String(port),
      LEERID_ISSUER: `http://127.0.0.1:${port}`,
    };
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `leerid serve`, which must stop by itself; answers its exit code and stderr. */
  async function serve(extra: Record<string, string>) {
    try {
      await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
        cwd: PACKAGE_ROOT,
        env: { ...process.env, ...env, ...extra },
        timeout: 30_000,
      });
      return { code: 0, stderr: '' };
    } catch (error) {
      return error as { code: number; stderr: string };
    }
  }

  it('refuses a database URL with an unknown scheme instead of opening an SQLite file', async function () {
    const stopped = await serve({ LEERID_DATABASE_URL: 'mysql://localhost/leerid' });
    expect(stopped.code).to.equal(1);
    expect(stopped.stderr).to.match(
      /config\.invalid: LEERID_DATABASE_URL: databaseUrl: unsupported scheme/,
    );
    expect(stopped.stderr).to.contain('postgres://');
    expect(existsSync(join(PACKAGE_ROOT, 'mysql:')), 'no SQLite file named like the URL').to.equal(
      false,
    );
  });

  it('refuses a config file holding null with exit 1, naming the file', async function () {
    const file = join(dir, 'null.json');
    writeFileSync(file, 'null');
    const stopped = await serve({ LEERID_CONFIG: file });
    expect(stopped.code).to.equal(1);
    expect(stopped.stderr).to.contain(`config.invalid: ${file}`);
  });

  it('refuses a named account key file that is missing, and makes none', async function () {
    const file = join(dir, 'typo', 'copy.key');
    const stopped = await serve({ LEERID_PASSWORD_COPY_KEY_FILE: file });
    expect(stopped.code).to.equal(1);
    expect(stopped.stderr).to.contain(`keys.missing: ${file}`);
    expect(existsSync(file)).to.equal(false);
  });

  it('refuses a named privacy-log key file that is missing, and a folder that cannot be', async function () {
    const file = join(dir, 'typo', 'privacy.key');
    const stopped = await serve({ LEERID_PRIVACY_LOG_KEY_FILE: file });
    expect(stopped.code).to.equal(1);
    expect(stopped.stderr).to.contain(`keys.missing: ${file}`);
    expect(existsSync(file)).to.equal(false);

    const impossible = await serve({ LEERID_KEYS_DIR: '/dev/null/keys' });
    expect(impossible.code).to.equal(1);
    expect(impossible.stderr).to.contain('keys.not_writable').and.not.contain('    at ');
  });

  it('refuses an EC key labelled RS256 in LEERID_JWKS, naming the variable and the kid', async function () {
    const [rsa, ec] = await generateSigningKeys();
    const jwks = JSON.stringify({ keys: [rsa, { ...ec, alg: 'RS256' }] });
    const stopped = await serve({ LEERID_JWKS: jwks });
    expect(stopped.code).to.equal(1);
    expect(stopped.stderr).to.contain(`keys.invalid: LEERID_JWKS: key ${ec?.kid}`);
  });
});
