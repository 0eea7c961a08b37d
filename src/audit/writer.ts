/**
 * Appends privacy-log entries in batches. `record` only queues, so a login
 * never waits for the log; a flush every `flushIntervalMs` (and on close)
 * writes the queue in one transaction. A hard crash can lose what was queued
 * since the last flush; a failed flush keeps the entries and retries.
 */
import type { Db } from '../store/db.js';
import { dialectOf } from '../store/db.js';
import type { Logger } from '../http/logger.js';
import { entryHash, genesisHash } from './chain.js';
import { partitionOf, type PrivacyEvent, type StoredEntry } from './entry.js';

export interface PrivacyLogWriter {
  record(event: PrivacyEvent): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Entries not yet written, the batch being written included. */
  pending(): number;
}

export interface WriterOptions {
  key: Buffer;
  flushIntervalMs: number;
  now?: () => number;
  logger?: Logger;
}

/** Serialises appenders across nodes on PostgreSQL; SQLite has one writer. */
const PG_LOCK_KEY = 0x1ee71d;
const INSERT_CHUNK = 200;

export function createPrivacyLogWriter(db: Db, options: WriterOptions): PrivacyLogWriter {
  const now = options.now ?? Date.now;
  let queue: PrivacyEvent[] = [];
  let flushing: Promise<void> | undefined;
  let writing = 0;

  const timer = setInterval(() => {
    void flush().catch(() => undefined);
  }, options.flushIntervalMs);
  timer.unref();

  async function flush(): Promise<void> {
    while (flushing) await flushing.catch(() => undefined);
    if (queue.length === 0) return;

    const batch = queue;
    queue = [];
    writing = batch.length;
    flushing = appendBatch(db, options.key, batch)
      .catch((error: unknown) => {
        queue = [...batch, ...queue];
        options.logger?.error({ err: error, pending: queue.length }, 'privacy log write failed');
        throw error;
      })
      .finally(() => {
        flushing = undefined;
        writing = 0;
      });
    await flushing;
  }

  return {
    record(event) {
      queue.push({ ...event, at: event.at ?? now() });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    pending: () => queue.length + writing,
  };
}

async function appendBatch(db: Db, key: Buffer, events: PrivacyEvent[]): Promise<void> {
  await db.transaction(async (trx) => {
    if (dialectOf(db) === 'pg') await trx.raw('select pg_advisory_xact_lock(?)', [PG_LOCK_KEY]);

    const byPartition = new Map<string, PrivacyEvent[]>();
    for (const event of events) {
      const partition = partitionOf(event.at as number);
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), event]);
    }

    for (const [partition, partitionEvents] of byPartition) {
      const head = await trx('privacy_log_heads').where({ partition }).first();
      let position: number = head?.count ?? 0;
      let prevHash: string = head?.head_hash ?? genesisHash(key, partition);

      const rows = partitionEvents.map((event) => {
        position += 1;
        const entry = toStored(partition, position, prevHash, event);
        const hash = entryHash(key, entry);
        prevHash = hash;
        return toRow({ ...entry, hash });
      });

      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await trx('privacy_log').insert(rows.slice(i, i + INSERT_CHUNK));
      }
      await trx('privacy_log_heads')
        .insert({ partition, count: position, head_hash: prevHash, closed_at: null })
        .onConflict('partition')
        .merge(['count', 'head_hash']);
    }
  });
}

function toStored(
  partition: string,
  position: number,
  prevHash: string,
  event: PrivacyEvent,
): Omit<StoredEntry, 'hash'> {
  return {
    partition,
    position,
    at: event.at as number,
    kind: event.kind,
    actorType: event.actorType,
    actor: event.actor,
    pupilId: event.pupilId ?? null,
    purpose: event.purpose,
    legalBasis: event.legalBasis ?? null,
    data: JSON.stringify(event.data),
    prevHash,
  };
}

export function toRow(entry: StoredEntry) {
  return {
    partition: entry.partition,
    position: entry.position,
    at: entry.at,
    kind: entry.kind,
    actor_type: entry.actorType,
    actor: entry.actor,
    pupil_id: entry.pupilId,
    purpose: entry.purpose,
    legal_basis: entry.legalBasis,
    data: entry.data,
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

export function fromRow(row: Record<string, unknown>): StoredEntry {
  return {
    partition: row.partition as string,
    position: Number(row.position),
    at: Number(row.at),
    kind: row.kind as string,
    actorType: row.actor_type as string,
    actor: row.actor as string,
    pupilId: (row.pupil_id as string | null) ?? null,
    purpose: row.purpose as string,
    legalBasis: (row.legal_basis as string | null) ?? null,
    data: row.data as string,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}
