/**
 * Synthetic pupils with their enrolments. Pupil N depends only on the seed,
 * N and the reference date, so two dumps made with the same seed agree, and
 * a "next night" variant differs only where asked.
 */
import type { KindOfEducation } from '../sync/columns.js';
import { addDays } from '../util/calendar.js';
import { inszCheckDigits } from '../sync/insz.js';
import { BOY_NAMES, FAMILY_NAMES, GIRL_NAMES } from './names.js';
import { intBetween, mixSeed, mulberry32, pick, type Random } from './prng.js';
import { SCHOOL_TYPE_OF, type DemoSchool, type SchoolType } from './schools.js';

export interface DemoEnrolment {
  school: DemoSchool;
  location: string;
  stamnummer: string;
  kind: KindOfEducation;
  group: string;
  enrolmentDate: string;
  startDate: string;
  endDate: string | null;
}

export interface DemoPupil {
  discimusId: string;
  insz: string | null;
  familyName: string;
  givenName: string;
  gender: 'M' | 'V' | 'X';
  birthDate: string;
  enrolments: DemoEnrolment[];
}

/** Shares of pupils that differ in a "next night" dump (0..1 each). */
export interface DemoVariant {
  changed?: number;
  added?: number;
  ended?: number;
}

export interface GenerateContext {
  seed: number;
  today: string;
  schools: DemoSchool[];
  byType: Record<SchoolType, DemoSchool[]>;
}

/** Age range in years, upper bound exclusive, for each kind of education. */
const AGE_RANGE: Record<KindOfEducation, [number, number]> = {
  kleuter: [2.5, 6],
  lager: [6, 12],
  secundair: [12, 19],
  okan: [12, 19],
  'deeltijds-beroepssecundair': [15, 19],
  'buitengewoon-kleuter': [2.5, 6],
  'buitengewoon-lager': [6, 14],
  'buitengewoon-secundair': [12, 21],
};

/** Cumulative shares of the kinds of education among pupils. */
const KIND_SHARES: [KindOfEducation, number][] = [
  ['kleuter', 0.22],
  ['lager', 0.55],
  ['secundair', 0.93],
  ['buitengewoon-kleuter', 0.935],
  ['buitengewoon-lager', 0.955],
  ['buitengewoon-secundair', 0.98],
  ['okan', 0.99],
  ['deeltijds-beroepssecundair', 1],
];

export const DEMO_ID_WIDTH = 7;

export function discimusIdOf(index: number): string {
  return `D${String(index).padStart(DEMO_ID_WIDTH, '0')}`;
}

/** 1 September of the school year that `today` falls in. */
export function schoolYearStart(today: string): string {
  const year = Number(today.slice(0, 4));
  return today.slice(5) >= '09-01' ? `${year}-09-01` : `${year - 1}-09-01`;
}

export function generatePupil(index: number, ctx: GenerateContext): DemoPupil {
  const random = mulberry32(mixSeed(ctx.seed, index));
  const kind = pickKind(random);
  const gender = random() < 0.49 ? 'M' : random() < 0.99 ? 'V' : 'X';
  const birthDate = birthDateFor(random, kind, ctx.today);
  const givenName = pick(random, gender === 'M' ? BOY_NAMES : GIRL_NAMES);
  const familyName = pick(random, FAMILY_NAMES);
  const insz = random() < 0.015 ? null : makeInsz(birthDate, gender, random);

  const pupil: DemoPupil = {
    discimusId: discimusIdOf(index),
    insz,
    familyName,
    givenName,
    gender,
    birthDate,
    enrolments: [],
  };
  addEnrolments(pupil, kind, random, ctx, index);
  return pupil;
}

function pickKind(random: Random): KindOfEducation {
  const r = random();
  return (KIND_SHARES.find(([, share]) => r < share) ?? KIND_SHARES[0])[0];
}

function birthDateFor(random: Random, kind: KindOfEducation, today: string): string {
  const [minYears, maxYears] = AGE_RANGE[kind];
  const minDays = Math.ceil(minYears * 365.25);
  const maxDays = Math.floor(maxYears * 365.25) - 1;
  return addDays(today, -intBetween(random, minDays, maxDays));
}

/** YYMMDD, a serial (odd for boys, even for girls), check digits. */
export function makeInsz(birthDate: string, gender: string, random: Random): string {
  const yymmdd = birthDate.slice(2, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10);
  let serial = intBetween(random, 1, 997);
  if (gender === 'M' && serial % 2 === 0) serial += 1;
  if (gender === 'V' && serial % 2 === 1) serial += 1;
  const firstNine = yymmdd + String(serial).padStart(3, '0');
  return firstNine + inszCheckDigits(firstNine, birthDate >= '2000');
}

function addEnrolments(
  pupil: DemoPupil,
  kind: KindOfEducation,
  random: Random,
  ctx: GenerateContext,
  index: number,
): void {
  const yearStart = schoolYearStart(ctx.today);
  const school = pickSchool(random, ctx, kind);
  const stamnummer = String(10_000 + (index % 90_000));
  const r = random();

  if (r < 0.004) {
    // Left during this school year: only an ended enrolment remains.
    const end = addDays(ctx.today, -intBetween(random, 1, 60));
    const start = end < yearStart ? schoolYearStart(end) : yearStart;
    pupil.enrolments.push(enrolment(school, random, kind, pupil, start, end, stamnummer));
    return;
  }

  const start = random() < 0.9 ? yearStart : midYearStart(random, yearStart, ctx.today);
  pupil.enrolments.push(enrolment(school, random, kind, pupil, start, null, stamnummer));

  if (r < 0.024) {
    // Two schools at once, e.g. part-time special needs support.
    const other = pickOtherSchool(random, ctx, kind, school);
    pupil.enrolments.push(enrolment(other, random, kind, pupil, yearStart, null, stamnummer));
  } else if (r < 0.084) {
    // Changed school last summer: last year's enrolment has ended.
    const other = pickOtherSchool(random, ctx, kind, school);
    const lastYear = addDays(yearStart, -365);
    const lastStart = schoolYearStart(lastYear);
    const lastEnd = `${yearStart.slice(0, 4)}-06-30`;
    pupil.enrolments.push(enrolment(other, random, kind, pupil, lastStart, lastEnd, stamnummer));
  }
}

function midYearStart(random: Random, yearStart: string, today: string): string {
  const days = Math.max(0, Math.round((Date.parse(today) - Date.parse(yearStart)) / 86_400_000));
  return addDays(yearStart, intBetween(random, 0, days));
}

function pickSchool(random: Random, ctx: GenerateContext, kind: KindOfEducation): DemoSchool {
  return pick(random, ctx.byType[SCHOOL_TYPE_OF[kind]]);
}

function pickOtherSchool(
  random: Random,
  ctx: GenerateContext,
  kind: KindOfEducation,
  school: DemoSchool,
): DemoSchool {
  const candidates = ctx.byType[SCHOOL_TYPE_OF[kind]];
  const other = pick(random, candidates);
  if (other !== school) return other;
  return candidates[(candidates.indexOf(school) + 1) % candidates.length] as DemoSchool;
}

function enrolment(
  school: DemoSchool,
  random: Random,
  kind: KindOfEducation,
  pupil: DemoPupil,
  startDate: string,
  endDate: string | null,
  stamnummer: string,
): DemoEnrolment {
  return {
    school,
    location: pick(random, school.locations),
    stamnummer,
    kind,
    group: groupFor(kind, pupil.birthDate, startDate, random),
    enrolmentDate: addDays(startDate, -intBetween(random, 5, 120)),
    startDate,
    endDate,
  };
}

/** An administrative group such as "K2B", "4A" or "BS2" that fits the age. */
function groupFor(
  kind: KindOfEducation,
  birthDate: string,
  startDate: string,
  random: Random,
): string {
  const age = Number(startDate.slice(0, 4)) - Number(birthDate.slice(0, 4));
  const letter = 'ABCD'[intBetween(random, 0, 3)];
  const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

  switch (kind) {
    case 'kleuter':
      return `K${clamp(age - 2, 1, 3)}${letter}`;
    case 'lager':
      return `${clamp(age - 5, 1, 6)}${letter}`;
    case 'secundair':
      return `${clamp(age - 11, 1, 6)}${letter}`;
    case 'okan':
      return `OK${intBetween(random, 1, 3)}`;
    case 'deeltijds-beroepssecundair':
      return `DBSO${intBetween(random, 1, 2)}`;
    case 'buitengewoon-kleuter':
      return `BK${clamp(age - 2, 1, 3)}`;
    case 'buitengewoon-lager':
      return `BL${clamp(age - 5, 1, 8)}`;
    case 'buitengewoon-secundair':
      return `BS${clamp(age - 11, 1, 8)}`;
  }
}
