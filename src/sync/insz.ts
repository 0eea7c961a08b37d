/**
 * The Belgian national number (INSZ/NISS): YYMMDD, a 3-digit serial and two
 * check digits, 97 - (number mod 97). For people born from 2000 on, the check
 * is computed over '2' followed by the first nine digits.
 */

/** The two check digits for the first nine digits of an INSZ. */
export function inszCheckDigits(firstNine: string, bornFrom2000: boolean): string {
  const base = BigInt(bornFrom2000 ? `2${firstNine}` : firstNine);
  return String(97n - (base % 97n)).padStart(2, '0');
}

/** Digits only: operators may send the printed form 85.07.30-033.28. */
export function normaliseInsz(value: string): string {
  return value.replace(/[\s.-]/g, '');
}

/** True when `insz` is 11 digits whose check digits fit either century rule. */
export function isValidInsz(insz: string): boolean {
  if (!/^\d{11}$/.test(insz)) return false;

  const firstNine = insz.slice(0, 9);
  const check = insz.slice(9);
  return inszCheckDigits(firstNine, false) === check || inszCheckDigits(firstNine, true) === check;
}
