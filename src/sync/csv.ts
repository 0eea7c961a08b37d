/**
 * The CSV parser (csv-parse) applied to whole records cut out by the
 * scanner. Its errors become dump.malformed with the file's line number.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { LeerIdError } from '../errors/index.js';

/** Parses `bytes` (complete records) whose first record starts on `firstLine`. */
export function parseCsv(bytes: Buffer, delimiter: string, firstLine: number): string[][] {
  try {
    return parse(bytes, {
      delimiter,
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
    }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = firstLine + Math.max(1, (error as CsvError & { lines?: number }).lines ?? 1) - 1;
    // csv-parse counts lines from the start of what it was given: drop its count.
    const problem = error.message.replace(/ at line \d+/, '');
    throw new LeerIdError('dump.malformed', `line ${line}: ${problem}`, { cause: error });
  }
}
