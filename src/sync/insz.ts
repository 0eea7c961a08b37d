/**
 * The Belgian national number (INSZ/NISS): YYMMDD, a 3-digit serial and two
 * check digits, 97 - (number mod 97). For people born from 2000 on, the check
 * is computed over '2' followed by the first nine digits.
 */

/** The two check digits for the first nine digits of an INSZ. */
export function inszCheckDigits(firstNine: string, bornFrom2000: boolean): string {
  // At most 2,999,999,999: exact in a double, no BigInt needed.
  const base = Number(firstNine) + (bornFrom2000 ? 2_000_000_000 : 0);
  return String(97 - (base % 97)).padStart(2, '0');
}

/** Digits only: operators may send the printed form 85.07.30-033.28. */
export function normaliseInsz(value: string): string {
  return value.length === 11 ? value : value.replace(/[\s.-]/g, '');
}

/** True when `insz` is 11 digits whose check digits fit either century rule. */
export function isValidInsz(insz: string): boolean {
  if (!/^\d{11}$/.test(insz)) return false;

  const base = Number(insz.slice(0, 9));
  const check = Number(insz.slice(9));
  return 97 - (base % 97) === check || 97 - ((base + 2_000_000_000) % 97) === check;
}
