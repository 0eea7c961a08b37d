/**
 * Row-level faults: a row that breaks a rule of the dump format. Each has a
 * stable code (docs/dump-format.md lists them) and the line it sits on. A
 * dump with any faulty row is refused as a whole: see DumpRowsError.
 */
import { LeerIdError } from '../errors/index.js';

export const ROW_FAULT_CODES = {
  'row.columns': 'the row has a different number of fields than the header',
  'row.control_character':
    'a value holds a control character (C0 with tab and line breaks, DEL, C1)',
  'row.required': 'a required value is empty',
  'row.too_long': 'a value is longer than its column allows',
  'row.discimus_id': 'the Discimus account id has characters outside A-Z, a-z, 0-9, _ and -',
  'row.insz': 'the INSZ is not 11 digits with valid mod-97 check digits',
  'row.gender': 'gender is not M, V or X',
  'row.date': 'a date is not a real calendar date written YYYY-MM-DD',
  'row.birth_date': 'the birth date lies in the future or before 1900',
  'row.end_before_start': 'the end date lies before the start date',
  'row.kind_of_education': 'the kind of education is not in the documented list',
  'row.number': 'an institution or location number has characters outside 0-9',
  'row.duplicate_enrolment': 'another row has the same pupil, institution, location and start date',
  'row.pupil_conflict': 'rows of the same pupil disagree on the pupil fields',
} as const;

export type RowFaultCode = keyof typeof ROW_FAULT_CODES;

export interface RowFault {
  line: number;
  code: RowFaultCode;
  column?: string;
  /** For duplicates and conflicts: the other line involved. */
  otherLine?: number;
  /** For row.columns: the fields of the row and of the header. */
  found?: number;
  expected?: number;
}

/** How many faulty rows an error message and a report list in full. */
export const LISTED_FAULTS = 50;

export class DumpRowsError extends LeerIdError {
  readonly faults: RowFault[];
  readonly total: number;

  /** `file`: the dump, named at the head of the message. */
  constructor(
    faults: RowFault[],
    total: number,
    readonly file?: string,
  ) {
    const listed = faults.slice(0, LISTED_FAULTS).map(describeFault);
    const more = total > listed.length ? `; and ${total - listed.length} more` : '';
    const where = file ? `${file}: ` : '';
    super('dump.row_invalid', `${where}${total} invalid row(s): ${listed.join('; ')}${more}`);
    this.faults = faults;
    this.total = total;
  }
}

export function describeFault(fault: RowFault): string {
  const detail = fault.found === undefined ? fault.column : fieldsDetail(fault);
  const column = detail ? ` (${detail})` : '';
  const other = fault.otherLine ? ` (see line ${fault.otherLine})` : '';
  return `line ${fault.line}: ${fault.code}${column}${other}`;
}

/** Which value is missing cannot be known, only where the row runs out. */
function fieldsDetail(fault: RowFault): string {
  const counts = `${fault.found} fields where the header has ${fault.expected}`;
  return fault.column ? `${counts}; none from ${fault.column} on` : counts;
}

/** Keeps the first `limit` faults in line order and counts all of them. */
export class FaultList {
  readonly faults: RowFault[] = [];
  total = 0;

  constructor(private readonly limit = 1000) {}

  add(fault: RowFault): void {
    this.total++;
    if (this.faults.length < this.limit) this.faults.push(fault);
  }

  addAll(other: FaultList): void {
    for (const fault of other.faults) this.add(fault);
    this.total += other.total - other.faults.length;
  }

  sorted(): RowFault[] {
    return [...this.faults].sort((a, b) => a.line - b.line);
  }
}
