/**
 * Control characters in text from outside, under two rules.
 *
 * Forms and API input: C0 without tab and line ends (a pasted value may
 * carry those). PostgreSQL refuses NUL in text, so one reaching a query is a
 * 500; no field of ours has a use for the rest.
 *
 * Discimus dump values: all of C0 (tab and line breaks too), DEL and C1. No
 * column has a use for one, and each does harm further on: PostgreSQL
 * refuses a NUL, ESC sequences drive the terminal of whoever reads a name,
 * line breaks split log lines and exported CSV (docs/dump-format.md,
 * row.control_character).
 */
const IN_INPUT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const IN_DUMP_VALUE = /[\u0000-\u001f\u007f-\u009f]/;

/** In whole dump records, LF and CR LF end a record and are no value's. */
const IN_DUMP_RECORDS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/;

export function hasControlCharacter(text: string): boolean {
  return IN_INPUT.test(text);
}

export function holdsControlCharacter(value: string): boolean {
  return IN_DUMP_VALUE.test(value);
}

/**
 * For the text of unquoted dump records: false proves that no value holds a
 * control character, so the rows need no look at each value. One scan of a
 * 64 KiB step costs a third of a scan per value (a national first import:
 * about 0.35 s against 1 s).
 */
export function recordsMayHoldControlCharacter(text: string): boolean {
  return IN_DUMP_RECORDS.test(text);
}
