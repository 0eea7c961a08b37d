/**
 * An upstream (ACM) login for the admin console, which has no OIDC
 * interaction: GET /upstream/<connector>/console sends the browser to the
 * IdP under a console login id of its own; the connector's callback parks
 * the outcome as for any login (src/upstream/complete.ts), and
 * /upstream/finish/<console id> hands the administrator role to the console.
 *
 * The id is bound to the browser that started the login by an HttpOnly
 * cookie, so a login cannot be finished in (or forced on) another browser.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { SchoolAdmin } from '../accounts/authorization.js';
import { LeerIdError } from '../errors/index.js';
import type { UpstreamStateStore } from '../store/upstream-state.js';
import { outcomeKey } from './complete.js';
import type { UpstreamConnector } from './connector.js';
import { schoolAdminOf } from './session.js';

/** Called with the administrator, or undefined when the person administers no school. */
export type ConsoleLoginHandler = (
  ctx: Context,
  admin: SchoolAdmin | undefined,
  via: string,
) => Promise<void>;

const PREFIX = 'console.';
const COOKIE = 'leerid.console.login';
const COOKIE_TTL_MS = 10 * 60 * 1000;

export const isConsoleLoginId = (uid: string) => uid.startsWith(PREFIX);

export function addConsoleLogin(
  router: Router,
  connectors: ReadonlyMap<string, UpstreamConnector>,
  state: UpstreamStateStore,
  onConsoleLogin: ConsoleLoginHandler,
) {
  router.get('/upstream/:connector/console', async (ctx) => {
    const connector = connectors.get(ctx.params.connector as string);
    if (!connector) {
      throw new LeerIdError('upstream.state', 'Onbekende aanmeldmethode.', { status: 404 });
    }
    const uid = `${PREFIX}${randomBytes(24).toString('base64url')}`;
    ctx.cookies.set(COOKIE, uid, {
      httpOnly: true,
      // Lax: the IdP's POST to the ACS redirects here by a top-level GET.
      sameSite: 'lax',
      secure: ctx.secure,
      path: '/upstream',
      maxAge: COOKIE_TTL_MS,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect(await connector.start(uid));
  });

  // Before the OIDC interaction's finish route, which steps in for other ids.
  router.get('/upstream/finish/:uid', async (ctx: Context, next: Next) => {
    const uid = ctx.params.uid as string;
    if (!isConsoleLoginId(uid)) return next();

    const bound = sameValue(ctx.cookies.get(COOKIE), uid);
    const parked = bound ? await state.take(outcomeKey(uid)) : undefined;
    ctx.cookies.set(COOKIE, null, { httpOnly: true, path: '/upstream', overwrite: true });
    if (!parked) {
      throw new LeerIdError('upstream.state', 'Deze aanmelding is verlopen. Probeer opnieuw.', {
        detail: bound ? 'no upstream outcome for this console login' : 'console login not bound',
      });
    }

    const outcome = JSON.parse(parked) as {
      connectorId: string;
      subject: string;
      adminInstitutions: string[];
    };
    const admin = schoolAdminOf({ ...outcome, createdAt: 0 });
    await onConsoleLogin(ctx, admin, outcome.connectorId);
  });
}

function sameValue(a: string | undefined, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
