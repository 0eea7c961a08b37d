/**
 * The self-service pages under /account: change password, recovery e-mail
 * and its confirmation, forgotten password and its reset, and the handover
 * page an administrator's e-mail links to. Dutch, or English with ?lang=en.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { readForm } from '../../http/forms.js';
import type { Lang } from '../../mail/messages.js';
import type { AccountModule } from '../index.js';
import type { LinkPurpose } from '../link-tokens.js';
import { langOf } from './lang.js';
import { explain, render, textsFor, type FormField } from './render.js';
import type { Texts } from './texts.js';

const BASE = '/account';

export function createAccountPages(accounts: AccountModule) {
  const router = new Router({ prefix: BASE });
  const { self } = accounts;

  const menu = (t: Texts) => [
    { href: `${BASE}/wachtwoord`, label: t.changeTitle },
    { href: `${BASE}/herstel-e-mail`, label: t.recoveryTitle },
    { href: `${BASE}/wachtwoord-vergeten`, label: t.forgotTitle },
    { href: `${BASE}/mijn-gegevens`, label: t.disclosuresTitle },
  ];

  function form(
    ctx: Context,
    lang: Lang,
    page: FormPage,
    extra: Partial<FormPage> = {},
    status = 200,
  ) {
    const t = textsFor(lang);
    render(ctx, 'account/form', { lang, t, links: menu(t), ...page, ...extra }, status);
  }

  function message(ctx: Context, lang: Lang, title: string, text: string, status = 200) {
    const t = textsFor(lang);
    render(
      ctx,
      'account/message',
      { lang, t, title, text, error: status >= 400, links: menu(t) },
      status,
    );
  }

  router.get('/', (ctx) => {
    const lang = langOf(ctx);
    const t = textsFor(lang);
    message(ctx, lang, t.accountTitle, t.accountIntro);
  });

  router.get('/wachtwoord', (ctx) => form(ctx, langOf(ctx), changePage(textsFor(langOf(ctx)))));
  router.post('/wachtwoord', async (ctx) => {
    const data = await readForm(ctx);
    const lang = langOf(ctx, data);
    const t = textsFor(lang);
    try {
      await self.changePassword({
        username: data.get('username') ?? '',
        currentPassword: data.get('password') ?? '',
        chosen: chosenFrom(data),
        ip: ctx.ip,
      });
      message(ctx, lang, t.changeTitle, t.changeDone);
    } catch (error) {
      const { text, status } = explain(error, t);
      form(ctx, lang, changePage(t, data.get('username') ?? ''), { error: text }, status);
    }
  });

  router.get('/herstel-e-mail', (ctx) =>
    form(ctx, langOf(ctx), recoveryPage(textsFor(langOf(ctx)))),
  );
  router.post('/herstel-e-mail', async (ctx) => {
    const data = await readForm(ctx);
    const lang = langOf(ctx, data);
    const t = textsFor(lang);
    try {
      await self.requestRecoveryEmail({
        username: data.get('username') ?? '',
        password: data.get('password') ?? '',
        email: data.get('email') ?? '',
        lang,
        ip: ctx.ip,
      });
      message(ctx, lang, t.recoveryTitle, t.recoveryDone);
    } catch (error) {
      const { text, status } = explain(error, t);
      const page = recoveryPage(t, data.get('username') ?? '', data.get('email') ?? '');
      form(ctx, lang, page, { error: text }, status);
    }
  });

  router.get('/wachtwoord-vergeten', (ctx) =>
    form(ctx, langOf(ctx), forgotPage(textsFor(langOf(ctx)))),
  );
  router.post('/wachtwoord-vergeten', async (ctx) => {
    const data = await readForm(ctx);
    const lang = langOf(ctx, data);
    const t = textsFor(lang);
    await self.requestPasswordReset({ identifier: data.get('identifier') ?? '', lang, ip: ctx.ip });
    // The same page whether or not an account matched.
    message(ctx, lang, t.forgotTitle, t.forgotDone);
  });

  tokenPage(
    'e-mail-bevestigen',
    'confirm-email',
    (t, claims) => ({
      title: t.confirmTitle,
      intro: t.confirmIntro,
      detail: claims.email ?? '',
      fields: [],
      submit: t.confirm,
    }),
    async (token) => {
      await self.confirmRecoveryEmail(token);
      return (t) => t.confirmDone;
    },
  );

  tokenPage(
    'nieuw-wachtwoord',
    'reset',
    (t) => newPasswordPage(t, t.resetTitle, t.resetIntro),
    async (token, data) => {
      await self.completePasswordReset(token, chosenFrom(data));
      return (t) => t.resetDone;
    },
  );

  tokenPage(
    'overdracht',
    'handover',
    (t) => newPasswordPage(t, t.handoverTitle, t.handoverIntro),
    async (token, data) => {
      await self.completeHandover(token, chosenFrom(data));
      return (t) => t.handoverDone;
    },
  );

  /**
   * A page reached from an e-mailed link: GET only shows the form (mail
   * scanners follow links), POST uses the link.
   */
  function tokenPage(
    path: string,
    purpose: LinkPurpose,
    page: (t: Texts, claims: { email?: string }) => FormPage,
    complete: (token: string, data: URLSearchParams) => Promise<(t: Texts) => string>,
  ) {
    router.get(`/${path}/:token`, async (ctx) => {
      const lang = langOf(ctx);
      const t = textsFor(lang);
      try {
        const claims = await self.inspectLink(ctx.params.token as string, purpose);
        form(ctx, lang, { ...page(t, claims), action: `${BASE}/${path}/${ctx.params.token}` });
      } catch (error) {
        const { text, status } = explain(error, t);
        message(ctx, lang, page(t, {}).title, text, status);
      }
    });

    router.post(`/${path}/:token`, async (ctx) => {
      const data = await readForm(ctx);
      const lang = langOf(ctx, data);
      const t = textsFor(lang);
      const token = ctx.params.token as string;
      try {
        const done = await complete(token, data);
        message(ctx, lang, page(t, {}).title, done(t));
      } catch (error) {
        const { text, status } = explain(error, t);
        if (status === 400) {
          form(
            ctx,
            lang,
            { ...page(t, {}), action: `${BASE}/${path}/${token}` },
            { error: text },
            400,
          );
        } else {
          message(ctx, lang, page(t, {}).title, text, status);
        }
      }
    });
  }

  return router;
}

interface FormPage {
  title: string;
  intro?: string;
  detail?: string;
  action?: string;
  fields: FormField[];
  submit: string;
  error?: string;
}

function chosenFrom(data: URLSearchParams) {
  return { password: data.get('new_password') ?? '', repeat: data.get('repeat_password') ?? '' };
}

function newPasswordFields(t: Texts): FormField[] {
  return [
    {
      name: 'new_password',
      label: t.newPassword,
      type: 'password',
      autocomplete: 'new-password',
      hint: t.passwordHint,
    },
    {
      name: 'repeat_password',
      label: t.repeatPassword,
      type: 'password',
      autocomplete: 'new-password',
    },
  ];
}

/** Who the pupil is: username and current password, asked before any change. */
function signInFields(t: Texts, username: string): FormField[] {
  return [
    {
      name: 'username',
      label: t.username,
      type: 'text',
      autocomplete: 'username',
      value: username,
    },
    {
      name: 'password',
      label: t.currentPassword,
      type: 'password',
      autocomplete: 'current-password',
    },
  ];
}

function changePage(t: Texts, username = ''): FormPage {
  return {
    title: t.changeTitle,
    action: `${BASE}/wachtwoord`,
    fields: [...signInFields(t, username), ...newPasswordFields(t)],
    submit: t.save,
  };
}

function recoveryPage(t: Texts, username = '', email = ''): FormPage {
  return {
    title: t.recoveryTitle,
    action: `${BASE}/herstel-e-mail`,
    fields: [
      ...signInFields(t, username),
      { name: 'email', label: t.email, type: 'email', autocomplete: 'email', value: email },
    ],
    submit: t.send,
  };
}

function forgotPage(t: Texts): FormPage {
  return {
    title: t.forgotTitle,
    intro: t.forgotIntro,
    action: `${BASE}/wachtwoord-vergeten`,
    fields: [{ name: 'identifier', label: t.identifier, type: 'text', autocomplete: 'username' }],
    submit: t.send,
  };
}

function newPasswordPage(t: Texts, title: string, intro: string): FormPage {
  return { title, intro, fields: newPasswordFields(t), submit: t.save };
}
