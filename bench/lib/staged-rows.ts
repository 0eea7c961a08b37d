/**
 * StagedRows from a dump in our own column order, as the sync's reading side
 * hands them to a writer for a grouped dump: validated, grouped by pupil,
 * the first row of each flagged (pupilFirst, pupilHasCurrent, runHash).
 * Independent of the reading side's internals, for the first-import test and
 * micro-benchmark. Throws on a faulty row; assumes the dump is grouped.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { FaultList } from '../../src/sync/row-faults.js';
import { rowHash, validateRow, type StagedRow } from '../../src/sync/validate-row.js';

/** Batches of rows; each batch ends with a whole pupil. */
export async function* stagedRowsOf(
  file: string,
  today: string,
  batchRows = 2000,
): AsyncGenerator<StagedRow[]> {
  const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
    parse({ bom: true, from_line: 2 }),
  );
  const rules = { today, usernameScheme: 'given.family' as const };
  const faults = new FaultList();
  let run: StagedRow[] = [];
  let batch: StagedRow[] = [];
  let line = 1;

  const close = () => {
    const first = run[0] as StagedRow;
    first.pupilFirst = 1;
    first.runHash = runHash(run);
    first.pupilHasCurrent = run.some((r) => isCurrent(r, today)) ? 1 : 0;
    for (const row of run) batch.push(row);
    run = [];
  };

  for await (const values of parser as AsyncIterable<string[]>) {
    const row = validateRow({ line: ++line, values, columnsOk: true }, rules, faults);
    if (!row) throw new Error(`line ${line}: ${JSON.stringify(faults.sorted()[0])}`);
    if (run.length && (run[0] as StagedRow).discimusId !== row.discimusId) {
      close();
      if (batch.length >= batchRows) {
        yield batch;
        batch = [];
      }
    }
    run.push(row);
  }
  if (run.length) close();
  if (batch.length) yield batch;
}

/** As PupilRuns: everything the dump says about one pupil, independent of row order. */
function runHash(run: StagedRow[]): string {
  const rows = run.map(
    (r) => `${r.institutionNumber}|${r.locationNumber}|${r.startDate}|${r.enrolmentHash}`,
  );
  return rowHash(`${(run[0] as StagedRow).pupilHash}|${rows.sort().join('|')}`);
}

function isCurrent(row: StagedRow, today: string): boolean {
  return row.startDate <= today && (row.endDate === null || row.endDate >= today);
}
