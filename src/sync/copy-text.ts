/**
 * PostgreSQL's COPY text format for one value: \N is NULL; backslash, tab
 * and line breaks are escaped. Most values hold none of them.
 */

export const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('\t', '\\t')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}
