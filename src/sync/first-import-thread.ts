/**
 * A first import into PostgreSQL with the parsing in a worker thread
 * (first-import-worker.ts). This thread reads and hashes the file (the
 * triage) and hands each batch of pupil runs over; the worker sends back
 * COPY chunks for pupils, enrolments and accounts, which this thread
 * queues on the connection. Reading, parsing and the server's loading so
 * run side by side on two cores. The usernames are numbered as their pupils
 * pass (username-numbering.ts), which needs the pupils in Discimus id order:
 * the triage proves it (AscendingIds) and sends any other order down the
 * staging path.
 *
 * The result is what createFirstImport writes for SQLite (first-import.ts).
 */
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LeerIdError, type ErrorCode } from '../errors/index.js';
import type { DumpShape } from './dump-reader.js';
import { copyText } from './copy-text.js';
import {
  storedCounters,
  writeSchools,
  type FirstImportCounts,
  type FirstImportOptions,
} from './first-import.js';
import { COPY_CHUNK, LineBuffer } from './first-import-lines.js';
import type { FromWorker, ToWorker, WorkerResult, WorkerStart } from './first-import-worker.js';
import { IDS_DISAGREE, ROLE } from './first-import-worker.js';
import { FaultList, type RowFault } from './row-faults.js';
import type { RunBatchData } from './run-batch.js';
import type { SyncSession } from './session.js';
import { UngroupedDump, type BatchTaker, type ParseFindings } from './triage.js';
import type { RowRules } from './validate-row.js';

/** Batches handed over but not yet parsed, at most (64 KiB of file each). */
const IN_FLIGHT = 4;
/** Bytes queued for COPY but not yet loaded, at most. */
const COPY_QUEUED = 4 << 20;

// Next to this module: .js when built; .ts when run from source through
// tsx, whose loader a worker thread does not inherit, so it registers it.
const WORKER = new URL(
  `./first-import-worker${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

function startWorker(workerData: WorkerStart): Worker {
  if (WORKER.pathname.endsWith('.js')) return new Worker(WORKER, { workerData });
  // Paths resolved here: the worker's own code would look from the working
  // directory. tsx's require hook compiles the module and what it imports.
  const require = createRequire(import.meta.url);
  const boot =
    `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();` +
    `require(${JSON.stringify(fileURLToPath(WORKER))});`;
  return new Worker(boot, { eval: true, workerData });
}

export async function startFirstImportThread(
  session: SyncSession,
  options: FirstImportOptions & { rules: RowRules },
): Promise<FirstImportThread> {
  const start: WorkerStart = {
    role: ROLE,
    rules: options.rules,
    nowMs: options.nowMs,
    counters: [...(await storedCounters(session))],
  };
  return new FirstImportThread(session, startWorker(start));
}

export class FirstImportThread implements BatchTaker {
  private readonly queue: CopyQueue;
  private inFlight = 0;
  private shapeSent = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private result: WorkerResult | undefined;
  private readonly done: Promise<WorkerResult>;

  constructor(
    private readonly session: SyncSession,
    private readonly worker: Worker,
  ) {
    this.queue = new CopyQueue(session);
    this.done = new Promise<WorkerResult>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'copy') {
          const { bytes } = message;
          this.queue.send(message.sql, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
        } else if (message.type === 'parsed') {
          this.inFlight--;
          this.wakeUp();
        } else if (message.type === 'done') {
          resolve(message.result);
        } else {
          this.fail(errorOf(message.error), reject);
        }
      });
      worker.on('error', (error) => this.fail(error, reject));
      worker.on('exit', () => this.fail(new Error('the first-import worker stopped'), reject));
    });
    // Read in parsed() or given up in abort(); never left unhandled.
    this.done.catch(() => {});
  }

  take(batch: RunBatchData, shape: DumpShape): void | Promise<void> {
    if (this.failure) throw this.failure;
    const message: ToWorker = { type: 'batch', batch, shape: this.shapeSent ? undefined : shape };
    const arrays = [batch.bytes, batch.starts, batch.lines, batch.sizes];
    this.worker.postMessage(
      message,
      arrays.map((array) => array.buffer as ArrayBuffer),
    );
    this.shapeSent = true;
    this.inFlight++;
    if (this.inFlight < IN_FLIGHT) return this.queue.waitBelow(COPY_QUEUED);
    return this.waitForWorker();
  }

  async parsed(): Promise<ParseFindings> {
    this.worker.postMessage({ type: 'end' } satisfies ToWorker);
    this.result = await this.done;
    return {
      faults: faultList(this.result.faults),
      runFaults: faultList(this.result.runFaults),
    };
  }

  /** After parsed(): every COPY loaded. */
  async finish(): Promise<void> {
    await this.queue.waitBelow(1);
    await this.stop();
  }

  /** Ends the work after a fault, so the connection can roll back. */
  async abort(): Promise<void> {
    await this.stop();
    await this.queue.settle();
  }

  /** After finish(): username_counters, institutions, locations. */
  async complete(): Promise<FirstImportCounts> {
    const result = this.result as WorkerResult;
    await writeCounters(this.session, result.counters);
    const { institutionsNew, locationsNew } = await writeSchools(this.session, result.schools);
    return {
      pupils: result.pupils,
      enrolments: result.enrolments,
      accountsCreated: result.accountsWritten,
      institutionsNew,
      locationsNew,
    };
  }

  private async waitForWorker(): Promise<void> {
    while (this.inFlight >= IN_FLIGHT && !this.failure) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.failure) throw this.failure;
    await this.queue.waitBelow(COPY_QUEUED);
  }

  private fail(error: Error, reject: (error: Error) => void): void {
    this.failure ??= error;
    reject(this.failure);
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

function errorOf(error: { name: string; code?: string; message: string }): Error {
  if (error.name === IDS_DISAGREE) return new UngroupedDump();
  if (error.code) return new LeerIdError(error.code as ErrorCode, error.message);
  return Object.assign(new Error(error.message), { name: error.name });
}

function faultList(found: { listed: RowFault[]; total: number }): FaultList {
  const list = new FaultList();
  for (const fault of found.listed) list.add(fault);
  list.total = found.total;
  return list;
}

/** PostgreSQL: username_counters replaced by what the numbering ended with. */
async function writeCounters(session: SyncSession, counters: ReadonlyMap<string, number>) {
  await session.run('DELETE FROM username_counters');
  const lines = new LineBuffer('COPY username_counters (base, taken) FROM STDIN');
  const queue = new CopyQueue(session);
  for (const [base, taken] of counters) {
    lines.add(`${copyText(base)}\t${taken}\n`);
    if (lines.length >= COPY_CHUNK) queue.send(lines.sql, lines.take());
  }
  if (lines.length) queue.send(lines.sql, lines.take());
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
