/**
 * Reads an application/x-www-form-urlencoded body, the one place every form
 * of ours is parsed. A body past 16 KiB, or a field with a control character
 * (see control-characters.ts), is refused here with a FormError, which the
 * error page shows with its status and code; the value itself is never
 * shown or logged.
 */
import type { Context } from 'koa';
import { BodyTooLargeError, readBodyText } from './body-text.js';
import { hasControlCharacter } from '../util/control-characters.js';

const REFUSALS = {
  'form.too_large': { status: 413, text: 'Het formulier is te groot om te verwerken.' },
  'form.control_character': {
    status: 400,
    text: 'Het formulier bevat een teken dat niet in tekst thuishoort. Typ de gegevens opnieuw.',
  },
} as const;

export type FormErrorCode = keyof typeof REFUSALS;

/** Shaped as the error page reads errors: `status`, `error` (the code), `error_description`. */
export class FormError extends Error {
  readonly status: number;
  readonly error: FormErrorCode;
  readonly error_description: string;

  constructor(code: FormErrorCode) {
    super(REFUSALS[code].text);
    this.name = 'FormError';
    this.status = REFUSALS[code].status;
    this.error = code;
    this.error_description = REFUSALS[code].text;
  }
}

export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  const text = await readBodyText(ctx).catch((error: unknown) => {
    throw error instanceof BodyTooLargeError ? new FormError('form.too_large') : error;
  });

  const form = new URLSearchParams(text);
  for (const [name, value] of form) {
    if (hasControlCharacter(name) || hasControlCharacter(value)) {
      throw new FormError('form.control_character');
    }
  }
  return form;
}
