/**
 * Checks the privacy log: every partition's chain from its genesis, the
 * recorded head of each partition, and optionally heads anchored outside
 * the database. Reports each problem with its partition and position.
 */
import type { Db } from '../store/db.js';
import { entryHash, genesisHash } from './chain.js';
import { fromRow } from './writer.js';

export type ProblemKind =
  'modified' | 'missing' | 'chain_broken' | 'inserted' | 'head_mismatch' | 'anchor_mismatch';

export interface Problem {
  partition: string;
  position: number;
  kind: ProblemKind;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  partitions: number;
  entries: number;
  problems: Problem[];
}

export interface Anchor {
  partition: string;
  count: number;
  headHash: string;
}

const PAGE = 5000;

export async function verifyPrivacyLog(
  db: Db,
  key: Buffer,
  anchors: Anchor[] = [],
): Promise<VerifyReport> {
  const heads = new Map<string, { count: number; head_hash: string }>(
    (await db('privacy_log_heads').select('*')).map((row) => [row.partition, row]),
  );
  const stored = await db('privacy_log').distinct('partition').orderBy('partition');
  const partitions = new Set<string>([
    ...stored.map((row) => row.partition as string),
    ...heads.keys(),
  ]);

  const problems: Problem[] = [];
  let entries = 0;
  for (const partition of [...partitions].sort()) {
    const result = await verifyPartition(db, key, partition);
    entries += result.count;
    problems.push(...result.problems);
    problems.push(...compareHead(partition, result, heads.get(partition)));
  }

  for (const anchor of anchors) {
    const head = heads.get(anchor.partition);
    if (!head || head.count !== anchor.count || head.head_hash !== anchor.headHash) {
      problems.push({
        partition: anchor.partition,
        position: anchor.count,
        kind: 'anchor_mismatch',
        message: `anchored head (${anchor.count} entries) no longer matches the log`,
      });
    }
  }

  return { ok: problems.length === 0, partitions: partitions.size, entries, problems };
}

interface PartitionResult {
  count: number;
  lastPosition: number;
  lastHash: string;
  problems: Problem[];
}

async function verifyPartition(db: Db, key: Buffer, partition: string): Promise<PartitionResult> {
  const problems: Problem[] = [];
  let expectedPosition = 1;
  let expectedPrev = genesisHash(key, partition);
  let count = 0;

  for (let offset = 0; ; offset += PAGE) {
    const rows = await db('privacy_log')
      .where({ partition })
      .orderBy('position')
      .limit(PAGE)
      .offset(offset);

    for (const entry of rows.map(fromRow)) {
      count += 1;
      const at = { partition, position: entry.position };

      if (entry.position > expectedPosition) {
        const gap = `${expectedPosition}…${entry.position - 1}`;
        problems.push({ ...at, kind: 'missing', message: `entries ${gap} were deleted` });
      } else if (entry.hash !== entryHash(key, entry)) {
        problems.push({ ...at, kind: 'modified', message: 'content does not match its hash' });
      } else if (entry.prevHash !== expectedPrev) {
        problems.push({ ...at, kind: 'chain_broken', message: 'does not follow the entry before' });
      }

      expectedPosition = entry.position + 1;
      expectedPrev = entry.hash;
    }
    if (rows.length < PAGE) break;
  }

  return { count, lastPosition: expectedPosition - 1, lastHash: expectedPrev, problems };
}

function compareHead(
  partition: string,
  result: PartitionResult,
  head: { count: number; head_hash: string } | undefined,
): Problem[] {
  if (!head) {
    return [
      { partition, position: 1, kind: 'inserted', message: 'partition has no recorded head' },
    ];
  }
  if (result.lastPosition < head.count) {
    const gap = `${result.lastPosition + 1}…${head.count}`;
    return [
      {
        partition,
        position: result.lastPosition + 1,
        kind: 'missing',
        message: `entries ${gap} were deleted`,
      },
    ];
  }
  if (result.lastPosition > head.count) {
    return [
      {
        partition,
        position: head.count + 1,
        kind: 'inserted',
        message: `entries after the recorded head (${head.count}) were added`,
      },
    ];
  }
  if (result.lastHash !== head.head_hash) {
    return [
      {
        partition,
        position: head.count,
        kind: 'head_mismatch',
        message: 'last entry differs from the recorded head',
      },
    ];
  }
  return [];
}
