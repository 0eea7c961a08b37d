/** Rendering console pages: the shared layout data, language and no caching. */
import type { Context } from 'koa';
import { langOf } from '../accounts/http/lang.js';
import { renderPage } from '../http/views.js';
import type { Lang } from '../mail/messages.js';
import { MESSAGES, type Messages } from './messages/index.js';
import type { AdminSession } from './session.js';

export interface PageState {
  lang: Lang;
  t: Messages;
  session?: AdminSession | undefined;
  /** The schools' names, for headings and choices. */
  schoolNames?: ReadonlyMap<string, string>;
}

/** The language: ?lang= wins, then the session's choice, then the browser's. */
export function consoleLang(ctx: Context, session?: AdminSession): Lang {
  const asked = ctx.query.lang;
  if (asked === 'en' || asked === 'nl') return asked;
  return session?.lang ?? langOf(ctx);
}

export function renderConsole(
  ctx: Context,
  state: PageState,
  view: string,
  data: Record<string, unknown>,
  status = 200,
) {
  const other: Lang = state.lang === 'en' ? 'nl' : 'en';
  const query = new URLSearchParams(ctx.method === 'GET' ? ctx.querystring : '');
  query.set('lang', other);
  const switchPath = ctx.method === 'GET' ? ctx.path : '/beheer/leerlingen';

  ctx.status = status;
  ctx.type = 'html';
  // Pupils' data and passwords: never cached, never sent on as a Referer.
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.body = renderPage(`admin/${view}`, {
    ...data,
    lang: state.lang,
    t: state.t,
    session: state.session,
    csrf: state.session?.csrf,
    schoolNames: state.schoolNames ?? new Map(),
    otherLang: { lang: other, href: `${switchPath}?${query.toString()}` },
    path: ctx.path,
  });
}

export const messagesFor = (lang: Lang): Messages => MESSAGES[lang];
