/**
 * The PostgreSQL side of a first import: the worker's COPY text goes to the
 * server as it comes, one COPY statement per chunk, queued on the run's
 * connection (one COPY at a time), so the server loads while the file is
 * still being read.
 */
import type { Writable } from 'node:stream';
import { copyText } from './copy-text.js';
import { COPY_CHUNK, COPY_COLUMNS, LineBuffer } from './first-import-lines.js';
import type { ChunkLoader } from './first-import.js';
import type { SyncSession } from './session.js';

export function copyLoader(session: SyncSession): ChunkLoader {
  const queue = new CopyQueue(session);
  return {
    load(table, bytes) {
      queue.send(`COPY ${table} (${COPY_COLUMNS[table]}) FROM STDIN`, bytes);
    },
    waitBelow: (limit) => queue.waitBelow(limit),
    settle: () => queue.settle(),
    complete: (counters) => writeCounters(session, counters),
  };
}

/** PostgreSQL: username_counters replaced by what the numbering ended with. */
async function writeCounters(session: SyncSession, counters: ReadonlyMap<string, number>) {
  await session.run('DELETE FROM username_counters');
  const sql = 'COPY username_counters (base, taken) FROM STDIN';
  const lines = new LineBuffer();
  const queue = new CopyQueue(session);
  for (const [base, taken] of counters) {
    lines.add(`${copyText(base)}\t${taken}\n`);
    if (lines.length >= COPY_CHUNK) queue.send(sql, lines.take());
  }
  if (lines.length) queue.send(sql, lines.take());
  await queue.waitBelow(1);
}

/** COPY statements run one after another; the first failure stops the rest. */
class CopyQueue {
  private readonly pending: { done: Promise<void>; size: number }[] = [];
  /** Bytes in `pending`, loaded or not: drain() counts them off. */
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private failure: Error | undefined;

  constructor(private readonly session: SyncSession) {}

  send(sql: string, bytes: Buffer): void {
    if (this.failure) return;
    const done = this.tail.then(() => (this.failure ? undefined : this.copy(sql, bytes)));
    this.tail = done.catch((error: Error) => {
      this.failure ??= error;
    });
    this.pending.push({ done: this.tail, size: bytes.length });
    this.queued += bytes.length;
  }

  /** Resolves once less than `limit` characters wait; rejects with the first failure. */
  waitBelow(limit: number): void | Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queued < limit) return;
    return this.drain(limit);
  }

  /** Waits for every COPY sent, whatever the outcome. */
  async settle(): Promise<void> {
    await this.tail;
  }

  private async drain(limit: number): Promise<void> {
    while (this.queued >= limit && this.pending.length) {
      const first = this.pending.shift() as { done: Promise<void>; size: number };
      await first.done;
      this.queued -= first.size;
      if (this.failure) throw this.failure;
    }
  }

  private copy(sql: string, bytes: Buffer): Promise<void> {
    const stream: Writable = this.session.copyIn(sql);
    return new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
      stream.end(bytes);
    });
  }
}
