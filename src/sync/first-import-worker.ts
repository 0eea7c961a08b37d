/**
 * The worker thread of a first import into PostgreSQL (first-import-thread.ts
 * runs it): parses and checks the batches of pupil runs the reading thread
 * sends, renders the rows as COPY text and sends that back in chunks. The
 * reading thread keeps the file, the hashes and the connection; parsing is
 * most of the work, and here it runs beside them on the other core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LeerIdError } from '../errors/index.js';
import type { DumpShape } from './dump-reader.js';
import { CopyLines, RowSink } from './first-import-lines.js';
import { FaultList, type RowFault } from './row-faults.js';
import { parseRuns, type RunBatchData } from './run-batch.js';
import { DumpOrderNumbering } from './username-numbering.js';
import type { RowRules } from './validate-row.js';

/** What the reading thread starts the worker with. */
export interface WorkerStart {
  role: typeof ROLE;
  rules: RowRules;
  nowMs: number;
  /** username_counters as stored. */
  counters: [string, number][];
}

export type ToWorker = { type: 'batch'; batch: RunBatchData; shape?: DumpShape } | { type: 'end' };

export type FromWorker =
  | { type: 'copy'; sql: string; bytes: Uint8Array }
  | { type: 'parsed' }
  | { type: 'done'; result: WorkerResult }
  | { type: 'failed'; error: { name: string; code?: string; message: string } };

export interface WorkerResult {
  faults: { listed: RowFault[]; total: number };
  runFaults: { listed: RowFault[]; total: number };
  pupils: number;
  enrolments: number;
  accountsWritten: number;
  counters: Map<string, number>;
  schools: { names: Map<string, string | null>; locations: Map<string, Set<string>> };
}

/** A run's parsed id is not the scanner's: the reading thread reads it as UngroupedDump. */
export const IDS_DISAGREE = 'IdsDisagree';

/** Marks the worker's start data: only a thread started with it serves. */
export const ROLE = 'leerid-first-import';

if (parentPort && (workerData as WorkerStart | null)?.role === ROLE) {
  serve(parentPort, workerData as WorkerStart);
}

function serve(port: NonNullable<typeof parentPort>, start: WorkerStart): void {
  const faults = new FaultList();
  const runFaults = new FaultList();
  const rows = new RowSink();
  const numbering = new DumpOrderNumbering(new Map(start.counters));
  const lines = new CopyLines(start.nowMs, numbering, (sql, bytes) => {
    port.postMessage({ type: 'copy', sql, bytes } satisfies FromWorker, [
      bytes.buffer as ArrayBuffer,
    ]);
  });
  let shape: DumpShape | undefined;

  const onBatch = (batch: RunBatchData) => {
    parseRuns(batch, shape as DumpShape, start.rules, {
      faults,
      runFaults,
      push(row) {
        rows.take(row);
        lines.push(row, rows.pupilId);
      },
      idsDisagree() {
        throw Object.assign(new Error('a run holds rows of another pupil'), { name: IDS_DISAGREE });
      },
    });
    lines.send(false);
  };

  const onEnd = () => {
    lines.send(true);
    const result: WorkerResult = {
      faults: { listed: faults.faults, total: faults.total },
      runFaults: { listed: runFaults.faults, total: runFaults.total },
      pupils: rows.pupils,
      enrolments: rows.enrolments,
      accountsWritten: lines.accountsWritten,
      counters: new Map(numbering.counters()),
      schools: { names: rows.schools.names, locations: rows.schools.locations },
    };
    port.postMessage({ type: 'done', result } satisfies FromWorker);
  };

  port.on('message', (message: ToWorker) => {
    try {
      if (message.type === 'batch') {
        shape ??= message.shape;
        onBatch(message.batch);
        port.postMessage({ type: 'parsed' } satisfies FromWorker);
      } else {
        onEnd();
      }
    } catch (error) {
      const { name, message: text } = error as Error;
      const code = error instanceof LeerIdError ? error.code : undefined;
      port.postMessage({
        type: 'failed',
        error: { name, code, message: text },
      } satisfies FromWorker);
    }
  });
}
