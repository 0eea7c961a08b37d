/**
 * Checks one dump row against the format rules and turns it into a staged
 * row: trimmed values, normalised INSZ, change-detection hashes and the
 * username base. Faults are collected, not thrown, so one run reports them all.
 */
import { hash } from 'node:crypto';
import { isIsoDate } from '../util/calendar.js';
import { DUMP_COLUMNS, GENDERS, KINDS_OF_EDUCATION, type DumpColumn } from './columns.js';
import type { DumpRecord } from './dump-reader.js';
import { isValidInsz, normaliseInsz } from './insz.js';
import type { FaultList, RowFaultCode } from './row-faults.js';
import { usernameBase } from './username.js';

export interface StagedRow {
  line: number;
  discimusId: string;
  insz: string | null;
  familyName: string;
  givenName: string;
  gender: string;
  birthDate: string;
  institutionNumber: string;
  institutionName: string | null;
  locationNumber: string;
  stamnummer: string;
  kindOfEducation: string;
  administrativeGroup: string;
  enrolmentDate: string;
  startDate: string;
  endDate: string | null;
  pupilHash: string;
  enrolmentHash: string;
  usernameBase: string;
}

const COL = Object.fromEntries(DUMP_COLUMNS.map((c, i) => [c, i])) as Record<DumpColumn, number>;

const MAX_LENGTH: Partial<Record<DumpColumn, number>> = {
  discimus_id: 64,
  family_name: 200,
  given_name: 200,
  institution_number: 16,
  institution_name: 200,
  location_number: 16,
  stamnummer: 32,
  administrative_group: 64,
};

const REQUIRED: DumpColumn[] = DUMP_COLUMNS.filter(
  (c) => c !== 'insz' && c !== 'institution_name' && c !== 'end_date',
);
const DATES: DumpColumn[] = ['birth_date', 'enrolment_date', 'start_date', 'end_date'];
const KINDS = new Set<string>(KINDS_OF_EDUCATION);
const GENDER_SET = new Set<string>(GENDERS);
const DISCIMUS_ID = /^[A-Za-z0-9_-]+$/;
const DIGITS = /^\d+$/;

export interface RowRules {
  /** 'YYYY-MM-DD': birth dates after it are refused. */
  today: string;
}

/** The staged row, or null when the row broke a rule (added to `faults`). */
export function validateRow(
  record: DumpRecord,
  rules: RowRules,
  faults: FaultList,
): StagedRow | null {
  const { line } = record;
  const v = record.values.map((value) => value.trim());
  const before = faults.total;
  const fault = (code: RowFaultCode, column?: DumpColumn) => faults.add({ line, code, column });

  if (!record.columnsOk) fault('row.columns');
  checkPresenceAndLength(v, fault);
  checkFormats(v, rules.today, fault);
  if (faults.total > before) return null;

  return stage(line, v);
}

type Fault = (code: RowFaultCode, column?: DumpColumn) => void;

function checkPresenceAndLength(v: string[], fault: Fault): void {
  for (const column of REQUIRED) {
    if (v[COL[column]] === '') fault('row.required', column);
  }
  for (const [column, max] of Object.entries(MAX_LENGTH) as [DumpColumn, number][]) {
    if ((v[COL[column]] as string).length > max) fault('row.too_long', column);
  }
}

function checkFormats(v: string[], today: string, fault: Fault): void {
  const get = (column: DumpColumn) => v[COL[column]] as string;

  if (get('discimus_id') && !DISCIMUS_ID.test(get('discimus_id'))) fault('row.discimus_id');
  if (get('insz') && !isValidInsz(normaliseInsz(get('insz')))) fault('row.insz', 'insz');
  if (get('gender') && !GENDER_SET.has(get('gender'))) fault('row.gender', 'gender');
  if (get('kind_of_education') && !KINDS.has(get('kind_of_education'))) {
    fault('row.kind_of_education', 'kind_of_education');
  }
  for (const column of ['institution_number', 'location_number'] as const) {
    if (get(column) && !DIGITS.test(get(column))) fault('row.number', column);
  }

  let datesOk = true;
  for (const column of DATES) {
    if (get(column) && !isIsoDate(get(column))) {
      fault('row.date', column);
      datesOk = false;
    }
  }
  if (!datesOk) return;

  const birth = get('birth_date');
  if (birth && (birth > today || birth < '1900-01-01')) fault('row.birth_date', 'birth_date');
  if (get('end_date') && get('start_date') && get('end_date') < get('start_date')) {
    fault('row.end_before_start', 'end_date');
  }
}

function stage(line: number, v: string[]): StagedRow {
  const get = (column: DumpColumn) => v[COL[column]] as string;
  const insz = get('insz') ? normaliseInsz(get('insz')) : null;
  const person = [insz ?? '', get('family_name'), get('given_name'), get('gender')];
  const enrolment = [
    get('stamnummer'),
    get('kind_of_education'),
    get('administrative_group'),
    get('enrolment_date'),
    get('end_date'),
  ];

  return {
    line,
    discimusId: get('discimus_id'),
    insz,
    familyName: get('family_name'),
    givenName: get('given_name'),
    gender: get('gender'),
    birthDate: get('birth_date'),
    institutionNumber: get('institution_number'),
    institutionName: get('institution_name') || null,
    locationNumber: get('location_number'),
    stamnummer: get('stamnummer'),
    kindOfEducation: get('kind_of_education'),
    administrativeGroup: get('administrative_group'),
    enrolmentDate: get('enrolment_date'),
    startDate: get('start_date'),
    endDate: get('end_date') || null,
    pupilHash: rowHash([...person, get('birth_date')]),
    enrolmentHash: rowHash(enrolment),
    usernameBase: usernameBase(get('given_name'), get('family_name')),
  };
}

/**
 * Change detection only, not security: md5 is the cheapest digest Node has
 * built in, and a collision would at worst miss one field change.
 */
function rowHash(values: string[]): string {
  return hash('md5', values.join('\u001f'), 'base64');
}
