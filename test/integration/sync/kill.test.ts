import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDemoDump } from '../../../src/demo/index.js';
import type { Db } from '../../../src/store/db.js';
import { runSync } from '../../../src/sync/index.js';
import { freshDb, TEST_DATABASE_URL } from '../../helpers/db.js';
import { snapshot, syncOptions } from '../../helpers/sync.js';

const CHILD = fileURLToPath(new URL('../../helpers/sync-child.ts', import.meta.url));
const TODAY = '2026-12-03';

/** Starts a sync in a child process and SIGKILLs it once `phase` has begun. */
function killDuring(url: string, file: string, phase: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const seen: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      seen.push(...text.split('\n').filter(Boolean));
      if (seen.includes(phase)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child ended by itself: ${seen}`));
      resolve(seen);
    });
  });
}

async function indexNames(db: Db): Promise<string[]> {
  const rows =
    db.client.config.client === 'pg'
      ? await db('pg_indexes')
          .whereRaw('schemaname = current_schema()')
          .whereIn('tablename', ['pupils', 'enrolments', 'accounts'])
          .pluck('indexname')
      : await db('sqlite_master')
          .where({ type: 'index' })
          .whereIn('tbl_name', ['pupils', 'enrolments', 'accounts'])
          .pluck('name');
  return rows.sort();
}

// SQLite in a file (a child process cannot share :memory:), PostgreSQL when configured.
const backends = [{ name: 'SQLite file', url: '' }];
if (TEST_DATABASE_URL.startsWith('postgres')) {
  backends.push({ name: 'PostgreSQL', url: TEST_DATABASE_URL });
}

for (const backend of backends) {
  describe(`sync killed with SIGKILL mid-run (${backend.name})`, function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'leerid-kill-'));
    const url = backend.url || `sqlite:${join(dir, 'store.sqlite')}`;
    const first = join(dir, 'night-1.csv');
    const second = join(dir, 'night-2.csv');
    let db: Db;

    before(async () => {
      await writeDemoDump({ pupils: 20_000, out: first, today: TODAY });
      const variant = { changed: 0.05, added: 0.02, ended: 0.01 };
      await writeDemoDump({ pupils: 20_000, out: second, today: TODAY, variant });
    });
    beforeEach(async () => {
      db = await freshDb(url);
    });
    afterEach(async () => {
      await db.destroy();
    });

    it('leaves an empty store empty, indexes intact, when the first import is killed', async () => {
      const indexes = await indexNames(db);

      const phases = await killDuring(url, first, 'accounts');

      expect(phases).to.include('apply');
      expect(await db('pupils').count('* as n')).to.deep.equal([{ n: 0 }]);
      expect(await db('enrolments').count('* as n')).to.deep.equal([{ n: 0 }]);
      expect(await indexNames(db)).to.deep.equal(indexes);
    });

    it('leaves the store as it was when a delta is killed; the next run works', async () => {
      await runSync(db, first, syncOptions());
      const before = await snapshot(db);

      await killDuring(url, second, 'apply');

      expect(await snapshot(db)).to.deep.equal(before);
      const report = await runSync(db, second, syncOptions({ maxEndedShare: 1 }));
      expect(report.pupils.new).to.be.greaterThan(0);
      const outcomes = await db('sync_runs').orderBy('id').pluck('outcome');
      expect(outcomes).to.deep.equal(['applied', 'interrupted', 'applied']);
    });
  });
}
