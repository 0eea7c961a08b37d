/**
 * What the API reads from a request besides the path: the JSON body (at
 * most 16 KiB, src/http/body-text.ts) and the query. Text with a control
 * character is refused before validation, as in the forms.
 */
import type { Context } from 'koa';
import { BodyTooLargeError, readBodyText } from '../http/body-text.js';
import { hasControlCharacter } from '../util/control-characters.js';
import { ApiProblem } from './problem.js';

const CONTROL_REFUSED = 'a string holds a control character';

export async function readJsonBody(ctx: Context): Promise<unknown> {
  if (ctx.method !== 'POST' && ctx.method !== 'PUT' && ctx.method !== 'PATCH') return undefined;
  if (!ctx.is('application/json')) {
    throw new ApiProblem('api.invalid_request', 'send application/json');
  }
  const text = await readBodyText(ctx).catch((error: unknown) => {
    if (error instanceof BodyTooLargeError) throw new ApiProblem('api.body_too_large');
    // raw-body's other refusals (a body cut short, a wrong length) are the caller's.
    const status = (error as { status?: number } | null)?.status ?? 500;
    throw status < 500 ? new ApiProblem('api.invalid_request', 'the body cannot be read') : error;
  });

  let refused = false;
  let body: unknown;
  try {
    // The reviver sees every key and value, however deep.
    body = JSON.parse(text, (key, value: unknown) => {
      if (hasControlCharacter(key) || (typeof value === 'string' && hasControlCharacter(value))) {
        refused = true;
      }
      return value;
    });
  } catch {
    throw new ApiProblem('api.invalid_request', 'the body is not valid JSON');
  }
  if (refused) throw new ApiProblem('api.invalid_request', CONTROL_REFUSED);
  return body;
}

export function checkQuery(query: Context['query']) {
  for (const [name, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value ?? ''];
    if (hasControlCharacter(name) || values.some(hasControlCharacter)) {
      throw new ApiProblem('api.invalid_request', CONTROL_REFUSED);
    }
  }
}
