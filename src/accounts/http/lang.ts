/** Which language a page speaks: an explicit choice, else the browser's first preference. */
import type { Context } from 'koa';
import type { Lang } from '../../mail/messages.js';

export function langOf(ctx: Context, form?: URLSearchParams): Lang {
  const chosen = form?.get('lang') ?? (typeof ctx.query.lang === 'string' ? ctx.query.lang : '');
  if (chosen === 'en' || chosen === 'nl') return chosen;

  const first = (ctx.get('accept-language').split(',')[0] ?? '').trim().toLowerCase();
  return first.startsWith('en') ? 'en' : 'nl';
}
