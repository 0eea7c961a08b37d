/**
 * Opening and closing a class page on a device: /klas with a typed code, or
 * /klas/<code> from the printed QR code.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { readForm } from '../../http/forms.js';
import type { Lang } from '../../mail/messages.js';
import type { AccountModule } from '../index.js';
import { clearClassCookie, setClassCookie } from './class-device.js';
import { langOf } from './lang.js';
import { explain, render, textsFor } from './render.js';

export function createClassRoutes(accounts: AccountModule) {
  const router = new Router();
  const hours = accounts.context.config.accounts.classPageTtlHours;

  function codeForm(ctx: Context, lang: Lang, error?: string, status = 200) {
    const t = textsFor(lang);
    render(
      ctx,
      'account/form',
      {
        lang,
        t,
        title: t.classTitle,
        intro: t.classIntro,
        action: '/klas',
        fields: [{ name: 'code', label: t.classCode, type: 'text', autocomplete: 'off' }],
        submit: t.classOpen,
        error,
      },
      status,
    );
  }

  async function open(ctx: Context, code: string, lang: Lang) {
    const t = textsFor(lang);
    try {
      const { session, cookie } = await accounts.classPages.open(code, ctx.ip);
      setClassCookie(ctx, cookie, hours);
      render(ctx, 'account/message', {
        lang,
        t,
        title: t.classTitle,
        text: t.classOpened(session.administrativeGroup),
        links: [{ href: '/klas-sluiten', label: t.classClose }],
      });
    } catch (error) {
      const { text, status } = explain(error, t);
      codeForm(ctx, lang, text, status);
    }
  }

  router.get('/klas', (ctx) => codeForm(ctx, langOf(ctx)));

  router.post('/klas', async (ctx) => {
    const form = await readForm(ctx);
    await open(ctx, form.get('code') ?? '', langOf(ctx, form));
  });

  router.get('/klas/:code', (ctx) => open(ctx, ctx.params.code as string, langOf(ctx)));

  router.get('/klas-sluiten', (ctx) => {
    const lang = langOf(ctx);
    const t = textsFor(lang);
    clearClassCookie(ctx);
    render(ctx, 'account/message', { lang, t, title: t.classTitle, text: t.classClosed });
  });

  return router;
}
