/**
 * Signing in to the console: through ACM (the upstream connectors, started
 * at /upstream/<id>/console, back through onConsoleLogin), or in the demo
 * as the demo administrator. Signing out ends the console session.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { SchoolAdmin } from '../../accounts/authorization.js';
import { LeerIdError } from '../../errors/index.js';
import { readForm } from '../../http/forms.js';
import { upstreamLoginOptions } from '../../upstream/login-options.js';
import { assertLoginToken, issueLoginToken } from '../csrf.js';
import { checkDemoAdmin } from '../demo-admin.js';
import { consoleState, type ConsoleDeps } from '../deps.js';
import { consoleLang, messagesFor, renderConsole } from '../render.js';
import { CONSOLE_PATH } from '../session.js';

/** Failed demo logins per address before a 15-minute pause. */
const DEMO_ATTEMPTS = 20;
const DEMO_WINDOW_SECONDS = 900;

export function loginRoutes(router: Router, deps: ConsoleDeps) {
  const { sessions, services } = deps;
  const connectors = upstreamLoginOptions(services.config);

  function loginPage(ctx: Context, extra: { error?: string; notice?: string } = {}, status = 200) {
    const lang = consoleLang(ctx);
    const t = messagesFor(lang);
    renderConsole(
      ctx,
      { lang, t },
      'login',
      {
        title: t.loginTitle,
        connectors,
        demo: Boolean(deps.demoAdmin),
        loginToken: issueLoginToken(ctx),
        ...extra,
      },
      status,
    );
  }

  async function signedIn(ctx: Context, admin: SchoolAdmin, via: string) {
    // A new session id at every login; the old one (if any) is gone.
    await sessions.open(ctx, admin, via);
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/leerlingen`);
  }

  router.get('/aanmelden', async (ctx) => {
    if (await sessions.read(ctx)) {
      ctx.status = 303;
      ctx.redirect(`${CONSOLE_PATH}/leerlingen`);
      return;
    }
    const t = messagesFor(consoleLang(ctx));
    loginPage(ctx, ctx.query.afgemeld ? { notice: t.loggedOut } : {});
  });

  router.post('/aanmelden/demo', async (ctx) => {
    if (!deps.demoAdmin) throw new LeerIdError('admin.bad_request', 'No demo.', { status: 404 });
    const form = await readForm(ctx);
    assertLoginToken(ctx, form, services.config.issuer);
    const t = messagesFor(consoleLang(ctx));

    const key = `admin-demo-login:${ctx.ip}`;
    const attempts = Number((await services.kv.get(key)) ?? 0);
    if (attempts >= DEMO_ATTEMPTS) return loginPage(ctx, { error: t.loginLocked }, 429);

    const admin = checkDemoAdmin(
      deps.demoAdmin,
      form.get('username') ?? '',
      form.get('password') ?? '',
    );
    if (!admin) {
      await services.kv.increment(key, DEMO_WINDOW_SECONDS);
      return loginPage(ctx, { error: t.wrongLogin }, 401);
    }
    await signedIn(ctx, admin, 'demo');
  });

  return {
    /** An upstream (ACM) login for the console came back: admin, or not one. */
    async onConsoleLogin(ctx: Context, admin: SchoolAdmin | undefined, via: string) {
      if (!admin) {
        const lang = consoleLang(ctx);
        const t = messagesFor(lang);
        renderConsole(ctx, { lang, t }, 'error', { message: t.notAdmin }, 403);
        return;
      }
      await signedIn(ctx, admin, via);
    },
  };
}

/** Signing out: behind the session and CSRF check like every other form. */
export function logoutRoute(router: Router, deps: ConsoleDeps) {
  router.post('/afmelden', async (ctx) => {
    consoleState(ctx);
    await deps.sessions.close(ctx);
    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/aanmelden?afgemeld=1`);
  });
}
