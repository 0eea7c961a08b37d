/**
 * Refusals inside the console become a console error page with the same
 * status; the text never says whether a pupil exists elsewhere.
 */
import type { Context, Next } from 'koa';
import { LeerIdError, type ErrorCode } from '../errors/index.js';
import type { Messages } from './messages/index.js';
import { consoleLang, messagesFor, renderConsole } from './render.js';

const TEXT: Partial<Record<ErrorCode, (t: Messages) => string>> = {
  'account.forbidden': (t) => t.forbidden,
  'account.self_managed': (t) => t.selfManaged,
  'account.too_young': (t) => t.tooYoung,
  'account.no_password_copy': (t) => t.noPasswordCopy,
  'account.no_picture': (t) => t.badRequest,
  'account.email_invalid': (t) => t.emailInvalid,
  'admin.csrf': (t) => t.csrf,
  'admin.bad_request': (t) => t.badRequest,
  'admin.not_signed_in': (t) => t.csrf,
  'mail.failed': (t) => t.mailFailed,
};

export function consoleErrors() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const text = error instanceof LeerIdError ? TEXT[error.code] : undefined;
      if (!text || !(error instanceof LeerIdError)) throw error;

      const session = ctx.state.console?.session;
      const lang = consoleLang(ctx, session);
      const t = messagesFor(lang);
      renderConsole(ctx, { lang, t, session }, 'error', { message: text(t) }, error.status);
    }
  };
}
