/**
 * One sync at a time. PostgreSQL: a session advisory lock on a connection of
 * its own, so it holds across every node that shares the database and dies
 * with the process. SQLite (one host by nature): a row in sync_lock naming
 * host and pid; a row whose process no longer runs on this host is stale
 * and taken over, so a killed run never blocks the next night. A container
 * gets a new host name each run and its process is often pid 1, so a row
 * older than any run can last is taken over too, whatever it names.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import { LeerIdError } from '../errors/index.js';
import { dialectOf, type Db } from '../store/db.js';

export type ReleaseLock = () => Promise<void>;

const ADVISORY_KEY = "hashtext('leerid:sync')";
const LOCK_NAME = 'sync';
/** A national first import on SQLite takes about a minute; no run lasts this long. */
export const STALE_LOCK_MS = 6 * 60 * 60 * 1000;

export async function acquireSyncLock(db: Db): Promise<ReleaseLock> {
  return dialectOf(db) === 'pg' ? advisoryLock(db) : tableLock(db);
}

async function advisoryLock(db: Db): Promise<ReleaseLock> {
  const client = (await db.client.acquireConnection()) as pg.Client;
  try {
    const { rows } = await client.query(`SELECT pg_try_advisory_lock(${ADVISORY_KEY}) AS ok`);
    if (!rows[0]?.ok) throw lockedError('another node or process');
  } catch (error) {
    await db.client.releaseConnection(client);
    throw error;
  }

  return async () => {
    try {
      await client.query(`SELECT pg_advisory_unlock(${ADVISORY_KEY})`);
    } finally {
      await db.client.releaseConnection(client);
    }
  };
}

async function tableLock(db: Db): Promise<ReleaseLock> {
  const me = { host: hostname(), pid: process.pid };

  await db.transaction(async (trx) => {
    const holder = await trx('sync_lock').where({ name: LOCK_NAME }).first();
    if (holder && !isStale(holder)) {
      const since = new Date(Number(holder.acquired_at)).toISOString();
      throw lockedError(
        `pid ${holder.pid} on ${holder.host} since ${since}; ` +
          'a lock left by a killed run is taken over 6 hours after it was taken',
      );
    }
    if (holder) await trx('sync_lock').where({ name: LOCK_NAME }).delete();
    await trx('sync_lock').insert({ name: LOCK_NAME, ...me, acquired_at: Date.now() });
  });

  return async () => {
    await db('sync_lock')
      .where({ name: LOCK_NAME, ...me })
      .delete();
  };
}

function isStale(holder: { host: string; pid: number; acquired_at: number | string }): boolean {
  if (Date.now() - Number(holder.acquired_at) > STALE_LOCK_MS) return true;
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function lockedError(holder: string): LeerIdError {
  return new LeerIdError('sync.locked', `a sync is already running (${holder})`, { status: 409 });
}
