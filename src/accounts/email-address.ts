/** A deliberately plain e-mail address check: one @, a dot in the domain, no spaces. */
const PATTERN = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:".]{2,}$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && PATTERN.test(value);
}

/** The form addresses are compared in: trimmed, lower-case. */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}
