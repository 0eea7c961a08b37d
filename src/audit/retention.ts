/**
 * Retention and anchoring. Whole partitions are purged, so the partitions
 * that stay still verify from their own genesis. Closed partitions' heads
 * can be written out so the operator keeps a copy outside the database.
 */
import type { Db } from '../store/db.js';
import { partitionOf } from './entry.js';
import type { Anchor } from './verify.js';

const DAY_MS = 24 * 3600 * 1000;

export interface PurgeResult {
  partitions: string[];
  entries: number;
}

export async function purgePartitions(
  db: Db,
  options: { retentionDays: number; now: number; dryRun?: boolean },
): Promise<PurgeResult> {
  const cutoff = partitionOf(options.now - options.retentionDays * DAY_MS);
  const old = await db('privacy_log_heads')
    .select('partition', 'count')
    .where('partition', '<', cutoff)
    .orderBy('partition');
  const result = {
    partitions: old.map((row) => row.partition as string),
    entries: old.reduce((sum, row) => sum + Number(row.count), 0),
  };
  if (options.dryRun || old.length === 0) return result;

  await db.transaction(async (trx) => {
    await trx('privacy_log').where('partition', '<', cutoff).delete();
    await trx('privacy_log_heads').where('partition', '<', cutoff).delete();
  });
  return result;
}

/** Marks every partition before today's as closed and returns their heads. */
export async function closedHeads(db: Db, now: number): Promise<Anchor[]> {
  const today = partitionOf(now);
  await db('privacy_log_heads')
    .whereNull('closed_at')
    .andWhere('partition', '<', today)
    .update({ closed_at: now });

  const rows = await db('privacy_log_heads').whereNotNull('closed_at').orderBy('partition');
  return rows.map((row) => ({
    partition: row.partition,
    count: Number(row.count),
    headHash: row.head_hash,
  }));
}
