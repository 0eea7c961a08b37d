/** Rendering helpers shared by the account pages. */
import type { Context } from 'koa';
import { LeerIdError } from '../../errors/index.js';
import { renderPage } from '../../http/views.js';
import type { Lang } from '../../mail/messages.js';
import { PasswordRejected } from '../self-service.js';
import { TEXTS, type Texts } from './texts.js';

export function render(ctx: Context, view: string, data: Record<string, unknown>, status = 200) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  // Pages with a token in the address must not hand it on as a Referer.
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.body = renderPage(view, data);
}

export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'password' | 'email';
  autocomplete?: string;
  value?: string;
  hint?: string;
}

/** The page text for a refusal the services threw; anything else is rethrown. */
export function explain(error: unknown, t: Texts): { text: string; status: number } {
  if (error instanceof PasswordRejected) return { text: t.problem[error.problem], status: 400 };
  if (!(error instanceof LeerIdError)) throw error;

  switch (error.code) {
    case 'account.wrong_credentials':
      return { text: t.wrongCredentials, status: 401 };
    case 'account.locked':
      return { text: t.locked(Number(error.detail ?? 60)), status: 429 };
    case 'account.school_managed':
      return { text: t.schoolManaged, status: 409 };
    case 'account.email_invalid':
      return { text: t.emailInvalid, status: 400 };
    case 'account.link_expired':
      return { text: t.linkExpired, status: 410 };
    case 'account.link_used':
      return { text: t.linkUsed, status: 410 };
    case 'account.link_invalid':
      return { text: t.linkInvalid, status: 404 };
    case 'account.class_code_invalid':
      return { text: t.classInvalid, status: 404 };
    default:
      throw error;
  }
}

export function textsFor(lang: Lang): Texts {
  return TEXTS[lang];
}
