/**
 * Control characters in text sent to us. PostgreSQL refuses NUL in text, so
 * one reaching a query is a 500; no field of ours has a use for the rest of
 * C0 either. Tab and line ends pass: a pasted value may carry them.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}
