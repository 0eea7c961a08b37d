/**
 * "The next night": the same demo population with a share of pupils changed,
 * gone or with their enrolment ended, for delta tests and the benchmark.
 */
import { addDays } from '../util/calendar.js';
import { FAMILY_NAMES } from './names.js';
import { mixSeed, mulberry32, pick } from './prng.js';
import { makeInsz, type DemoPupil, type DemoVariant } from './pupils.js';

const VARIANT_SALT = 0x5eed_f00d;

/** The pupil as the variant dump shows it, or null when it left the dump. */
export function applyVariant(
  pupil: DemoPupil,
  index: number,
  variant: DemoVariant,
  seed: number,
  today: string,
): DemoPupil | null {
  const random = mulberry32(mixSeed(seed ^ VARIANT_SALT, index));
  const ended = variant.ended ?? 0;
  const changed = variant.changed ?? 0;
  const u = random();

  if (u < ended / 2) return null;
  if (u < ended) return endCurrentEnrolments(pupil, addDays(today, -1));
  if (u < ended + changed) return changeOneThing(pupil, random);
  return pupil;
}

function endCurrentEnrolments(pupil: DemoPupil, yesterday: string): DemoPupil | null {
  const enrolments = pupil.enrolments.map((e) =>
    e.endDate === null ? { ...e, endDate: yesterday } : e,
  );
  // An enrolment that only started today cannot have ended yesterday.
  if (enrolments.some((e) => e.endDate !== null && e.endDate < e.startDate)) return null;
  return { ...pupil, enrolments };
}

function changeOneThing(pupil: DemoPupil, random: () => number): DemoPupil {
  const what = Math.floor(random() * 3);

  if (what === 0) {
    const [first, ...rest] = pupil.enrolments;
    if (!first) return pupil;
    const group = first.group.slice(0, -1) + (first.group.endsWith('Z') ? 'Y' : 'Z');
    return { ...pupil, enrolments: [{ ...first, group }, ...rest] };
  }
  if (what === 1) {
    const familyName = pick(
      random,
      FAMILY_NAMES.filter((n) => n !== pupil.familyName),
    );
    return { ...pupil, familyName };
  }
  // AGODI corrects (or adds) the national number.
  return { ...pupil, insz: makeInsz(pupil.birthDate, pupil.gender, random) };
}
