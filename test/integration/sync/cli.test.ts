/**
 * `leerid sync` as cron or systemd runs it (no terminal): a refused dump and
 * a failure of the system each end in one `leerid: <code>: <message>` line
 * on stderr, one JSON error line with the code, exit 1 and the run recorded.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../src/store/db.js';
import { PACKAGE_ROOT } from '../../../src/util/package-root.js';
import { freshDb, TEST_DATABASE_URL } from '../../helpers/db.js';
import { dump } from '../../helpers/sync.js';

describe('leerid sync: what a failed run prints, logs and records', function () {
  this.timeout(60_000);
  let dir: string;
  let url: string;
  let db: Db;

  beforeEach(async function () {
    dir = mkdtempSync(join(tmpdir(), 'leerid-sync-cli-'));
    // A child process cannot share an in-memory SQLite database.
    url = TEST_DATABASE_URL.startsWith('postgres')
      ? TEST_DATABASE_URL
      : `sqlite:${join(dir, 'leerid.sqlite')}`;
    db = await freshDb(url);
  });
  afterEach(async function () {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  function sync(file: string) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sync', file], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      env: { ...process.env, LEERID_DATABASE_URL: url, LEERID_KEYS_DIR: join(dir, 'keys') },
    });
    const logged = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return {
      status: result.status,
      stderr: result.stderr.trimEnd().split('\n'),
      errors: logged.filter((line) => line.level === 50),
    };
  }

  const lastRun = () => db('sync_runs').orderBy('id', 'desc').first();
  const pupils = async () => Number((await db('pupils').count({ n: '*' }))[0]?.n);

  it('refuses a NUL byte in a name as a row fault naming file, line and column', async function () {
    const lines = readFileSync(dump('valid/night-1.csv'), 'utf8').split('\n');
    lines[6] = (lines[6] as string).replace('Janssens', 'Jans\u0000sens');
    const file = join(dir, 'nul.csv');
    writeFileSync(file, lines.join('\n'));

    const { status, stderr, errors } = sync(file);

    expect(status).to.equal(1);
    expect(stderr).to.deep.equal([
      `leerid: dump.row_invalid: ${file}: 1 invalid row(s): line 7: row.control_character (family_name)`,
    ]);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.deep.include({ code: 'dump.row_invalid', total: 1 });
    expect(errors[0]?.faults).to.deep.equal([
      { line: 7, code: 'row.control_character', column: 'family_name' },
    ]);
    expect(await lastRun()).to.deep.include({ outcome: 'refused', error_code: 'dump.row_invalid' });
    expect(await pupils()).to.equal(0);
  });

  it('ends a failure of the database in sync.failed, without a stack trace, run failed', async function () {
    // The database itself refuses a write half-way through the run.
    if (db.client.config.client === 'pg') {
      await db.raw(`CREATE FUNCTION refuse_schools() RETURNS trigger LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'no new schools today'; END $$`);
      await db.raw(`CREATE TRIGGER refuse_schools BEFORE INSERT ON institutions
                    FOR EACH ROW EXECUTE FUNCTION refuse_schools()`);
    } else {
      await db.raw(`CREATE TRIGGER refuse_schools BEFORE INSERT ON institutions
                    BEGIN SELECT RAISE(ABORT, 'no new schools today'); END`);
    }

    const { status, stderr, errors } = sync(dump('valid/night-1.csv'));

    expect(status).to.equal(1);
    expect(stderr).to.have.length(1);
    expect(stderr[0]).to.match(/^leerid: sync\.failed: unexpected .*no new schools today$/);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ code: 'sync.failed' });
    expect(errors[0]?.cause).to.be.a('string');
    expect(errors[0]?.stack).to.contain('no new schools today');
    expect(await lastRun()).to.deep.include({ outcome: 'failed', error_code: 'sync.failed' });
    expect(await pupils()).to.equal(0);
  });
});
