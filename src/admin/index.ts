/**
 * The school administrator's console under /beheer: server-rendered pages
 * (views/admin/), Dutch by default and English from message files, forms
 * that work without JavaScript. Mounted with one line in src/app.ts.
 *
 *   GET  /beheer/aanmelden            login: ACM (upstream connectors), or the demo administrator
 *   GET  /beheer/leerlingen[/:id]     pupils of the administrator's schools, one pupil
 *   POST /beheer/leerlingen/:id/...   account actions
 *   GET  /beheer/klassen, POST ...    class passwords, login letters, picture cards
 *   GET  /beheer/platformen, POST     which platforms the school uses
 *
 * Every route behind the login reads the session, checks the CSRF token of
 * every POST, and leaves the pupil checks to the account services, which
 * refuse any pupil without a current enrolment in the administrator's schools.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { SchoolAdmin } from '../accounts/authorization.js';
import type { AccountModule } from '../accounts/index.js';
import { LeerIdError } from '../errors/index.js';
import { readForm } from '../http/forms.js';
import type { Logger } from '../http/logger.js';
import type { ClientRegistration } from '../oidc/clients.js';
import type { Services } from '../services.js';
import { createSchoolPupilStore } from '../store/school-pupils.js';
import { createConsoleAudit } from './audit.js';
import { assertCsrf } from './csrf.js';
import type { DemoAdmin } from './demo-admin.js';
import type { ConsoleDeps, ConsoleState } from './deps.js';
import { consoleErrors } from './errors.js';
import { consoleLang, messagesFor } from './render.js';
import { classRoutes } from './routes/classes.js';
import { loginRoutes, logoutRoute } from './routes/login.js';
import { platformRoutes } from './routes/platforms.js';
import { pupilRoutes } from './routes/pupils.js';
import { createAdminSessions, CONSOLE_PATH } from './session.js';

export interface AdminConsoleOptions {
  services: Services;
  accounts: AccountModule;
  clients: readonly ClientRegistration[];
  logger: Logger;
  /** Only with `serve --demo`. */
  demoAdmin?: DemoAdmin | undefined;
}

export function createAdminConsole(options: AdminConsoleOptions) {
  const { services } = options;
  const now = () => services.clock().getTime();
  const deps: ConsoleDeps = {
    ...options,
    sessions: createAdminSessions(services.kv, services.config.sessionTtlSeconds, now),
    audit: createConsoleAudit(services.privacyLog),
    pupils: createSchoolPupilStore(services.db),
    async schoolNames(numbers) {
      const rows = await services
        .db('institutions')
        .select('institution_number', 'name')
        .whereIn('institution_number', [...numbers]);
      const names = new Map(numbers.map((number) => [number, number]));
      for (const row of rows) {
        if (row.name) names.set(row.institution_number, `${row.institution_number} ${row.name}`);
      }
      return names;
    },
  };

  const secured = new Router();
  secured.use(requireSession(deps));
  secured.get('/', (ctx) => ctx.redirect(`${CONSOLE_PATH}/leerlingen`));
  pupilRoutes(secured, deps);
  classRoutes(secured, deps);
  platformRoutes(secured, deps);
  logoutRoute(secured, deps);

  const router = new Router({ prefix: CONSOLE_PATH });
  router.use(consoleErrors());
  const login = loginRoutes(router, deps);
  router.use(secured.routes(), secured.allowedMethods());

  return {
    router,
    /** For the upstream router: an ACM login for the console has come back. */
    onConsoleLogin: login.onConsoleLogin,
  };
}

export type AdminConsole = ReturnType<typeof createAdminConsole>;

/**
 * No session: GETs go to the login page, anything else is refused. With a
 * session: the language, the school names, and for a POST the form with a
 * valid CSRF token.
 */
function requireSession(deps: ConsoleDeps) {
  return async (ctx: Context, next: Next) => {
    const session = await deps.sessions.read(ctx);
    if (!session) {
      if (ctx.method === 'GET' || ctx.method === 'HEAD') {
        ctx.status = 303;
        ctx.redirect(`${CONSOLE_PATH}/aanmelden`);
        return;
      }
      throw new LeerIdError('admin.not_signed_in', 'Not signed in.', { status: 403 });
    }

    const lang = consoleLang(ctx, session);
    if (lang !== session.lang && ctx.query.lang) await deps.sessions.setLang(ctx, session, lang);
    const admin: SchoolAdmin = session.admin;
    const state: ConsoleState = {
      session,
      admin,
      lang,
      t: messagesFor(lang),
      schoolNames: await deps.schoolNames(admin.institutions),
      form: new URLSearchParams(),
    };
    ctx.state.console = state;

    if (ctx.method === 'POST') {
      state.form = await readForm(ctx);
      assertCsrf(ctx, state.form, session.csrf, deps.services.config.issuer);
    }
    await next();
  };
}
