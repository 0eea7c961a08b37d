/**
 * Calendar arithmetic on 'YYYY-MM-DD' strings, the form dates take everywhere
 * in LeerID. Pure functions, no time zone: "today" comes from todayIn().
 */

const DAY_MS = 86_400_000;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when `value` is a real calendar date written as 'YYYY-MM-DD'. */
export function isIsoDate(value: string): boolean {
  // Character codes, no regex or substrings: the sync checks 5 million a night.
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) {
    return false;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;

  return day <= daysInMonth(year, month);
}

/** The number written by `length` digits at `start`, or -1 if one is not a digit. */
function digits(value: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] as number);
}

/** `date` moved by `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * DAY_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whole years between `birthDate` and `onDate` (the age on that day). */
export function ageOn(birthDate: string, onDate: string): number {
  const age = Number(onDate.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return onDate.slice(5) < birthDate.slice(5) ? age - 1 : age;
}

/**
 * The rule for a current enrolment, shared by sync and login: started on or
 * before `today` and not ended before it (both bounds inclusive).
 */
export function isCurrentOn(
  enrolment: { start_date: string; end_date: string | null },
  today: string,
): boolean {
  if (enrolment.start_date > today) return false;
  return enrolment.end_date === null || enrolment.end_date >= today;
}
