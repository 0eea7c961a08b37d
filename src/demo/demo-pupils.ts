/**
 * The first four pupils of every demo dump are fixed, so `serve --demo` and
 * the docs can point at them. Everyone else is generated.
 */
import { addDays } from '../util/calendar.js';
import { mulberry32 } from './prng.js';
import { discimusIdOf, makeInsz, schoolYearStart, type DemoPupil } from './pupils.js';
import { DEMO_INSTITUTIONS, type DemoSchool } from './schools.js';

export interface DemoPupilFact {
  discimusId: string;
  givenName: string;
  familyName: string;
  situation: string;
}

export const DEMO_PUPILS = Object.freeze({
  /** Secondary pupil, current enrolment in the first demo school only. */
  inDemoSchool: {
    discimusId: discimusIdOf(1),
    givenName: 'Lotte',
    familyName: 'Janssens',
    situation: 'current enrolment in demo school 1 only',
  },
  /** Current enrolments in both demo schools. */
  inBothDemoSchools: {
    discimusId: discimusIdOf(2),
    givenName: 'Milan',
    familyName: 'Claes',
    situation: 'current enrolments in demo schools 1 and 2',
  },
  /** Only an ended enrolment (in demo school 1). */
  onlyEnded: {
    discimusId: discimusIdOf(3),
    givenName: 'Noor',
    familyName: 'Vermeulen',
    situation: 'only an ended enrolment',
  },
  /** Current enrolment in a primary school that is not a demo school. */
  inOtherSchool: {
    discimusId: discimusIdOf(4),
    givenName: 'Arthur',
    familyName: 'De Smet',
    situation: 'current enrolment in another school only',
  },
} satisfies Record<string, DemoPupilFact>);

export const FIXED_PUPIL_COUNT = 4;

/** Pupil 1-4 as described by DEMO_PUPILS; `otherSchool` is a primary school. */
export function fixedPupil(index: number, today: string, otherSchool: DemoSchool): DemoPupil {
  const yearStart = schoolYearStart(today);
  const [demo1, demo2] = DEMO_INSTITUTIONS as [DemoSchool, DemoSchool];
  const born = (years: number) => addDays(today, -Math.floor((years + 0.4) * 365.25));
  const current = { enrolmentDate: addDays(yearStart, -60), startDate: yearStart, endDate: null };
  const secundair = 'secundair' as const;

  switch (index) {
    case 1:
      return pupil(DEMO_PUPILS.inDemoSchool, 'V', born(15), [
        { school: demo1, location: '990101', kind: secundair, group: '4A', ...current },
      ]);
    case 2:
      return pupil(DEMO_PUPILS.inBothDemoSchools, 'M', born(14), [
        { school: demo1, location: '990101', kind: secundair, group: '3B', ...current },
        { school: demo2, location: '990201', kind: secundair, group: '3B', ...current },
      ]);
    case 3: {
      const end = addDays(today, -10);
      const start = schoolYearStart(end);
      return pupil(DEMO_PUPILS.onlyEnded, 'V', born(13), [
        {
          school: demo1,
          location: '990101',
          kind: secundair,
          group: '2A',
          enrolmentDate: addDays(start, -30),
          startDate: start,
          endDate: end,
        },
      ]);
    }
    case 4:
      return pupil(DEMO_PUPILS.inOtherSchool, 'M', born(9), [
        {
          school: otherSchool,
          location: otherSchool.locations[0] as string,
          kind: 'lager',
          group: '3A',
          ...current,
        },
      ]);
    default:
      throw new RangeError(`pupil ${index} is not a fixed demo pupil`);
  }
}

function pupil(
  fact: DemoPupilFact,
  gender: 'M' | 'V',
  birthDate: string,
  enrolments: Omit<DemoPupil['enrolments'][number], 'stamnummer'>[],
): DemoPupil {
  const index = Number(fact.discimusId.slice(1));
  return {
    discimusId: fact.discimusId,
    insz: makeInsz(birthDate, gender, mulberry32(index)),
    familyName: fact.familyName,
    givenName: fact.givenName,
    gender,
    birthDate,
    enrolments: enrolments.map((e) => ({ ...e, stamnummer: String(10_000 + index) })),
  };
}
