/** Reads an application/x-www-form-urlencoded body, capped at 16 KiB. */
import type { Context } from 'koa';
import getRawBody from 'raw-body';

export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  const text = await getRawBody(ctx.req, { limit: '16kb', encoding: 'utf8' });
  return new URLSearchParams(text);
}
