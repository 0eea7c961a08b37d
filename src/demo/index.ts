/**
 * Synthetic Discimus dumps for demos, tests and the benchmark. No real
 * personal data: names are combined at random and INSZ numbers are made up
 * (with valid check digits). Pupils D0000001-D0000004 are fixed: see
 * DEMO_PUPILS; the demo schools are DEMO_INSTITUTIONS.
 */
import { todayIn } from '../util/dates.js';
import { writeDemoRows } from './write-dump.js';
import type { DemoVariant } from './pupils.js';

export { DEMO_PUPILS, type DemoPupilFact } from './demo-pupils.js';
export { DEMO_INSTITUTIONS, type DemoSchool } from './schools.js';
export type { DemoVariant } from './pupils.js';

/** Time zone of the demo reference date when none is given. */
const DEMO_TIMEZONE = 'Europe/Brussels';

export interface WriteDemoDumpOptions {
  pupils: number;
  out: string;
  /** Same seed and today, same dump. Default 1. */
  seed?: number;
  /** 'YYYY-MM-DD' on which the current enrolments run; default today in Brussels. */
  today?: string;
  /** Make "the next night's" dump: shares of pupils changed, added, ended. */
  variant?: DemoVariant;
}

export async function writeDemoDump(options: WriteDemoDumpOptions): Promise<{ rows: number }> {
  if (!Number.isInteger(options.pupils) || options.pupils < 4) {
    throw new RangeError('a demo dump needs at least 4 pupils (the fixed demo pupils)');
  }
  const today = options.today ?? todayIn(DEMO_TIMEZONE, new Date());
  return writeDemoRows({ ...options, today });
}
