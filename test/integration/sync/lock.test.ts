import { expect } from 'chai';
import { hostname } from 'node:os';
import { createDb, dialectOf, type Db } from '../../../src/store/db.js';
import { acquireSyncLock, STALE_LOCK_MS } from '../../../src/sync/lock.js';
import { runSync } from '../../../src/sync/index.js';
import { freshDb, TEST_DATABASE_URL } from '../../helpers/db.js';
import { dump, snapshot, syncOptions } from '../../helpers/sync.js';

/** A pid that no process has: one past the kernel's maximum. */
const DEAD_PID = 4_194_305;

describe('sync lock', () => {
  let db: Db;
  beforeEach(async () => {
    db = await freshDb();
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('refuses a second run while the lock is held, and changes nothing', async () => {
    const release = await acquireSyncLock(db);
    try {
      const before = await snapshot(db);
      const error = await runSync(db, dump('valid/night-1.csv'), syncOptions()).catch((e) => e);
      expect(error).to.have.property('code', 'sync.locked');
      expect(await snapshot(db)).to.deep.equal(before);
    } finally {
      await release();
    }
  });

  it('is free again once released', async () => {
    const release = await acquireSyncLock(db);
    await release();
    const report = await runSync(db, dump('valid/night-1.csv'), syncOptions());
    expect(report.outcome).to.equal('applied');
  });

  it('SQLite: takes over a lock whose process is gone, not one that still runs', async function () {
    if (dialectOf(db) !== 'sqlite') this.skip();
    const row = { name: 'sync', host: hostname(), acquired_at: Date.now() };

    await db('sync_lock').insert({ ...row, pid: process.ppid });
    const error = await acquireSyncLock(db).catch((e) => e);
    expect(error).to.have.property('code', 'sync.locked');

    await db('sync_lock').update({ pid: DEAD_PID });
    const release = await acquireSyncLock(db);
    expect(await db('sync_lock').first('pid')).to.deep.equal({ pid: process.pid });
    await release();
    expect(await db('sync_lock').count('* as n')).to.deep.equal([{ n: 0 }]);
  });

  it('SQLite: takes over a lock from another host (a container) once older than any run', async function () {
    if (dialectOf(db) !== 'sqlite') this.skip();
    const row = { name: 'sync', host: 'container-4f2a', pid: 1 };

    await db('sync_lock').insert({ ...row, acquired_at: Date.now() - STALE_LOCK_MS + 60_000 });
    const error = await acquireSyncLock(db).catch((e) => e);
    expect(error).to.have.property('code', 'sync.locked');
    expect(error.message).to.contain('pid 1 on container-4f2a since');

    await db('sync_lock').update({ acquired_at: Date.now() - STALE_LOCK_MS - 60_000 });
    const release = await acquireSyncLock(db);
    expect(await db('sync_lock').first('host', 'pid')).to.deep.equal({
      host: hostname(),
      pid: process.pid,
    });
    await release();
  });

  it('PostgreSQL: the advisory lock holds across connections (as across nodes)', async function () {
    if (dialectOf(db) !== 'pg') this.skip();
    // A second pool on the same database stands in for a second node.
    const second = createDb(TEST_DATABASE_URL);
    const release = await acquireSyncLock(db);
    try {
      const error = await acquireSyncLock(second).catch((e) => e);
      expect(error).to.have.property('code', 'sync.locked');
    } finally {
      await release();
      await second.destroy();
    }
  });
});
