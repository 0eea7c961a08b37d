/**
 * Checks one dump row against the format rules and turns it into a staged
 * row: trimmed values, normalised INSZ, change-detection hashes and the
 * username base. Faults are collected, not thrown, so one run reports them all.
 */
import { hash } from 'node:crypto';
import { isIsoDate } from '../util/calendar.js';
import { DUMP_COLUMNS, GENDERS, KINDS_OF_EDUCATION, type DumpColumn } from './columns.js';
import { holdsControlCharacter } from '../util/control-characters.js';
import type { DumpRecord } from './dump-reader.js';
import { isValidInsz, normaliseInsz } from './insz.js';
import type { FaultList } from './row-faults.js';
import { usernameBase, type UsernameScheme } from '../accounts/usernames.js';

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
  /** Set by PupilRuns: 1 on the first row of a pupil. */
  pupilFirst: number;
  /** Set by PupilRuns: 1 on a first row when any row of the pupil is current. */
  pupilHasCurrent: number;
  /** Set by PupilRuns on a first row: hash of all the pupil's rows (grouped dumps). */
  runHash: string | null;
}

/**
 * Raise when a rule below changes: a pupil whose bytes passed the old rules
 * must then be checked again (the dump shape's fingerprint includes this).
 */
export const ROW_RULES_VERSION = 2;

const COL = Object.fromEntries(DUMP_COLUMNS.map((c, i) => [c, i])) as Record<DumpColumn, number>;

/** [column index, max length] pairs, checked on every row. */
const MAX_LENGTH: [DumpColumn, number][] = [
  ['discimus_id', 64],
  ['family_name', 200],
  ['given_name', 200],
  ['institution_number', 16],
  ['institution_name', 200],
  ['location_number', 16],
  ['stamnummer', 32],
  ['administrative_group', 64],
];

const REQUIRED: DumpColumn[] = DUMP_COLUMNS.filter(
  (c) => c !== 'insz' && c !== 'institution_name' && c !== 'end_date',
);
const DATES: DumpColumn[] = ['birth_date', 'enrolment_date', 'start_date', 'end_date'];
const KINDS = new Set<string>(KINDS_OF_EDUCATION);
const GENDER_SET = new Set<string>(GENDERS);
const DISCIMUS_ID = /^[A-Za-z0-9_-]+$/;
const DIGITS = /^\d+$/;

const I = COL;
/** Column positions, looked up once rather than per row. */
const REQUIRED_AT = REQUIRED.map((c) => COL[c]);
const MAX_AT = MAX_LENGTH.map(([c]) => COL[c]);

/** trim() only when an end is white space: most values are clean. */
function trim(value: string): string {
  const last = value.length - 1;
  if (last < 0 || (value.charCodeAt(0) > 32 && value.charCodeAt(last) > 32)) return value;
  return value.trim();
}

export interface RowRules {
  /** 'YYYY-MM-DD': birth dates after it are refused. */
  today: string;
  /** How new accounts' usernames are made (config accounts.usernameScheme). */
  usernameScheme: UsernameScheme;
}

/**
 * The staged row, or null when the row broke a rule (added to `faults`).
 * Runs 1.3 million times a night: no closures or temporary arrays per row.
 */
export function validateRow(
  record: DumpRecord,
  rules: RowRules,
  faults: FaultList,
): StagedRow | null {
  const { line, values: v } = record;
  const before = faults.total;

  for (let i = 0; i < v.length; i++) v[i] = trim(v[i] as string);
  if (!record.columnsOk) {
    const count = record.fieldCount;
    const { found, expected } = count ?? {};
    faults.add({ line, code: 'row.columns', column: count?.firstMissing, found, expected });
  }
  if (!record.controlFree) checkControlCharacters(v, line, faults);

  for (let i = 0; i < REQUIRED.length; i++) {
    if (v[REQUIRED_AT[i] as number] === '') {
      faults.add({ line, code: 'row.required', column: REQUIRED[i] });
    }
  }
  for (let i = 0; i < MAX_LENGTH.length; i++) {
    const [column, max] = MAX_LENGTH[i] as [DumpColumn, number];
    if ((v[MAX_AT[i] as number] as string).length > max) {
      faults.add({ line, code: 'row.too_long', column });
    }
  }
  checkFormats(v, line, rules.today, faults);

  return faults.total > before ? null : stage(line, v, rules.usernameScheme);
}

/** After trimming: white space around a value never reaches the store anyway. */
function checkControlCharacters(v: string[], line: number, faults: FaultList): void {
  for (let i = 0; i < v.length; i++) {
    if (holdsControlCharacter(v[i] as string)) {
      faults.add({ line, code: 'row.control_character', column: DUMP_COLUMNS[i] });
    }
  }
}

function checkFormats(v: string[], line: number, today: string, faults: FaultList): void {
  const id = v[I.discimus_id] as string;
  const insz = v[I.insz] as string;
  const gender = v[I.gender] as string;
  const kind = v[I.kind_of_education] as string;

  if (id && !DISCIMUS_ID.test(id)) faults.add({ line, code: 'row.discimus_id' });
  if (insz && !isValidInsz(normaliseInsz(insz))) {
    faults.add({ line, code: 'row.insz', column: 'insz' });
  }
  if (gender && !GENDER_SET.has(gender)) faults.add({ line, code: 'row.gender', column: 'gender' });
  if (kind && !KINDS.has(kind)) {
    faults.add({ line, code: 'row.kind_of_education', column: 'kind_of_education' });
  }
  for (const column of ['institution_number', 'location_number'] as const) {
    const value = v[I[column]] as string;
    if (value && !DIGITS.test(value)) faults.add({ line, code: 'row.number', column });
  }

  let datesOk = true;
  for (const column of DATES) {
    const value = v[I[column]] as string;
    if (value && !isIsoDate(value)) {
      faults.add({ line, code: 'row.date', column });
      datesOk = false;
    }
  }
  if (!datesOk) return;

  const birth = v[I.birth_date] as string;
  if (birth && (birth > today || birth < '1900-01-01')) {
    faults.add({ line, code: 'row.birth_date', column: 'birth_date' });
  }
  const start = v[I.start_date] as string;
  const end = v[I.end_date] as string;
  if (end && start && end < start) {
    faults.add({ line, code: 'row.end_before_start', column: 'end_date' });
  }
}

function stage(line: number, v: string[], scheme: UsernameScheme): StagedRow {
  const insz = v[I.insz] ? normaliseInsz(v[I.insz] as string) : null;
  const familyName = v[I.family_name] as string;
  const givenName = v[I.given_name] as string;
  const endDate = v[I.end_date] as string;
  const sep = '\u001f';

  return {
    line,
    discimusId: v[I.discimus_id] as string,
    insz,
    familyName,
    givenName,
    gender: v[I.gender] as string,
    birthDate: v[I.birth_date] as string,
    institutionNumber: v[I.institution_number] as string,
    institutionName: v[I.institution_name] || null,
    locationNumber: v[I.location_number] as string,
    stamnummer: v[I.stamnummer] as string,
    kindOfEducation: v[I.kind_of_education] as string,
    administrativeGroup: v[I.administrative_group] as string,
    enrolmentDate: v[I.enrolment_date] as string,
    startDate: v[I.start_date] as string,
    endDate: endDate || null,
    pupilHash: rowHash(
      (insz ?? '') + sep + familyName + sep + givenName + sep + v[I.gender] + sep + v[I.birth_date],
    ),
    enrolmentHash: rowHash(
      v[I.stamnummer] +
        sep +
        v[I.kind_of_education] +
        sep +
        v[I.administrative_group] +
        sep +
        v[I.enrolment_date] +
        sep +
        endDate,
    ),
    usernameBase: usernameBase(givenName, familyName, scheme),
    pupilFirst: 0,
    pupilHasCurrent: 0,
    runHash: null,
  };
}

/**
 * Change detection only, not security: md5 is the cheapest digest Node has
 * built in (native, unlike a hash in JavaScript over concatenated strings);
 * 96 of its bits in base64 fit row_hash and dump_hash. A collision would at
 * worst miss one change of one row.
 */
export function rowHash(text: string): string {
  return hash('md5', text, 'base64').slice(0, 16);
}
