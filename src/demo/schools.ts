/**
 * The synthetic schools of a demo dump. The first two are the demo schools
 * that `serve --demo` links to its demo client; the rest are generated.
 */
import type { KindOfEducation } from '../sync/columns.js';
import { SCHOOL_WORDS, TOWNS } from './names.js';

export type SchoolType = 'basis' | 'secundair' | 'buitengewoon';

export interface DemoSchool {
  number: string;
  name: string;
  type: SchoolType;
  locations: string[];
}

/** The demo schools: both secondary, so demo pupil 2 can be in both. */
export const DEMO_INSTITUTIONS: readonly DemoSchool[] = Object.freeze([
  { number: '990001', name: 'Demo Atheneum Leerstad', type: 'secundair', locations: ['990101'] },
  {
    number: '990002',
    name: 'Demo Technisch Instituut Leerstad',
    type: 'secundair',
    locations: ['990201', '990202'],
  },
]);

/** The school type that teaches each kind of education. */
export const SCHOOL_TYPE_OF: Record<KindOfEducation, SchoolType> = {
  kleuter: 'basis',
  lager: 'basis',
  secundair: 'secundair',
  okan: 'secundair',
  'deeltijds-beroepssecundair': 'secundair',
  'buitengewoon-kleuter': 'buitengewoon',
  'buitengewoon-lager': 'buitengewoon',
  'buitengewoon-secundair': 'buitengewoon',
};

/** About 340 pupils a school, as in Flanders (1.2 million in some 3,500). */
export function buildSchools(pupils: number): DemoSchool[] {
  const count = Math.max(8, Math.ceil(pupils / 340));
  const schools: DemoSchool[] = [...DEMO_INSTITUTIONS];

  for (let i = 0; schools.length < count; i++) {
    const type = schoolType(i);
    const number = String(100_000 + i * 7);
    const locationCount = 1 + (i % 3);
    const locations = Array.from({ length: locationCount }, (_, k) => String(300_000 + i * 4 + k));
    const word = SCHOOL_WORDS[i % SCHOOL_WORDS.length];
    const town = TOWNS[Math.floor(i / SCHOOL_WORDS.length) % TOWNS.length];
    schools.push({ number, name: `${word} ${town} ${i + 1}`, type, locations });
  }

  return schools;
}

/** Mostly primary schools; the first few make sure every type has two. */
function schoolType(i: number): SchoolType {
  if (i === 1 || i === 2) return 'buitengewoon';
  if (i === 3) return 'secundair';
  return i % 20 < 11 ? 'basis' : i % 20 < 18 ? 'secundair' : 'buitengewoon';
}

/** Schools grouped by type, for picking a school that fits a pupil. */
export function schoolsByType(schools: DemoSchool[]): Record<SchoolType, DemoSchool[]> {
  const byType: Record<SchoolType, DemoSchool[]> = { basis: [], secundair: [], buitengewoon: [] };
  for (const school of schools) byType[school.type].push(school);
  return byType;
}
