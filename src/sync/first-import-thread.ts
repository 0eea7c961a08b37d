/**
 * A first import with the parsing in a worker thread
 * (first-import-worker.ts). This thread reads and hashes the file (the
 * triage) and hands each batch of pupil runs over; the worker sends back
 * COPY text for pupils, enrolments and accounts, which this thread hands to
 * the database's loader (first-import-pg.ts, first-import-sqlite.ts).
 * Reading, parsing and loading so run side by side on two cores. The
 * usernames are numbered as their pupils pass (username-numbering.ts), which
 * needs the pupils in Discimus id order: the triage proves it (AscendingIds)
 * and sends any other order down the staging path.
 */
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LeerIdError, type ErrorCode } from '../errors/index.js';
import type { DumpShape } from './dump-reader.js';
import {
  storedCounters,
  writeSchools,
  type ChunkLoader,
  type FirstImportCounts,
  type FirstImportOptions,
} from './first-import.js';
import type { CopyTable } from './first-import-lines.js';
import { copyLoader } from './first-import-pg.js';
import { insertLoader } from './first-import-sqlite.js';
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
  const loader = session.dialect === 'pg' ? copyLoader(session) : await insertLoader(session);
  return new FirstImportThread(session, loader, startWorker(start));
}

export class FirstImportThread implements BatchTaker {
  private inFlight = 0;
  private shapeSent = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private result: WorkerResult | undefined;
  private readonly done: Promise<WorkerResult>;

  constructor(
    private readonly session: SyncSession,
    private readonly loader: ChunkLoader,
    private readonly worker: Worker,
  ) {
    this.done = new Promise<WorkerResult>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'copy') {
          const { bytes } = message;
          this.load(message.table, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
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
    if (this.inFlight < IN_FLIGHT) return this.loader.waitBelow(COPY_QUEUED);
    return this.waitForWorker();
  }

  async parsed(): Promise<ParseFindings> {
    this.worker.postMessage({ type: 'end' } satisfies ToWorker);
    this.result = await this.done;
    if (this.failure) throw this.failure;
    return {
      faults: faultList(this.result.faults),
      runFaults: faultList(this.result.runFaults),
      idsAgree: this.result.idsAgree,
    };
  }

  /** After parsed(): every chunk loaded. */
  async finish(): Promise<void> {
    await this.loader.waitBelow(1);
    if (this.failure) throw this.failure;
    await this.stop();
  }

  /** Ends the work after a fault, so the connection can roll back. */
  async abort(): Promise<void> {
    await this.stop();
    await this.loader.settle();
  }

  /** After finish(): username_counters, institutions, locations. */
  async complete(): Promise<FirstImportCounts> {
    const result = this.result as WorkerResult;
    await this.loader.complete(result.counters);
    const { institutionsNew, locationsNew } = await writeSchools(this.session, result.schools);
    return {
      pupils: result.pupils,
      enrolments: result.enrolments,
      accountsCreated: result.accountsWritten,
      institutionsNew,
      locationsNew,
    };
  }

  /** A chunk the loader cannot take (SQLite inserts at once) fails the import. */
  private load(table: CopyTable, bytes: Buffer): void {
    if (this.failure) return;
    try {
      this.loader.load(table, bytes);
    } catch (error) {
      this.failure = error as Error;
      this.wakeUp();
    }
  }

  private async waitForWorker(): Promise<void> {
    while (this.inFlight >= IN_FLIGHT && !this.failure) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.failure) throw this.failure;
    await this.loader.waitBelow(COPY_QUEUED);
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
