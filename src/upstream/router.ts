/**
 * Upstream login (ACM over SAML 2.0 and/or OpenID Connect), mounted on the
 * provider with one line in src/app.ts. Builds the configured connectors and
 * the shared steps, and offers:
 *
 *   POST /upstream/<connector>/start/<uid>   the login page's button: off to the IdP
 *   …    the connectors' own endpoints         (SAML metadata, ACS, SLO; OIDC callback)
 *   GET  /upstream/finish/<uid>              back in the browser's interaction
 *   POST /session/end/confirm                wraps end_session: single logout at the IdP
 *
 * A refused upstream answer is logged with its stable reason code
 * (`reason: 'upstream.…'`) and shown as an error page; no session is opened
 * and the interaction stays unfinished.
 */
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { LeerIdError } from '../errors/index.js';
import type { Logger } from '../http/logger.js';
import { renderPage } from '../http/views.js';
import type { ClientRegistration } from '../oidc/clients.js';
import type { Services } from '../services.js';
import { createUpstreamStateStore, type UpstreamStateStore } from '../store/upstream-state.js';
import type { UpstreamConnector } from './connector.js';
import { createCompletion, logoutKey } from './complete.js';
import { createOidcConnector } from './oidc/connector.js';
import { createPupilLookup } from './pupil-lookup.js';
import { createSamlConnector } from './saml/connector.js';
import { createUpstreamSessions, type UpstreamSessions } from './session.js';
import { addConsoleLogin, type ConsoleLoginHandler } from './console-login.js';

/** How long end_session's destination waits for the IdP's logout answer. */
const LOGOUT_TTL_SECONDS = 600;

export function createUpstreamRouter(
  provider: Provider,
  services: Services,
  clients: ReadonlyMap<string, ClientRegistration>,
  logger: Logger,
  /** The admin console's ACM login (src/admin), started at /upstream/<id>/console. */
  onConsoleLogin?: ConsoleLoginHandler,
): Router {
  const router = new Router();
  const { upstream, issuer, sessionTtlSeconds } = services.config;
  if (!upstream.saml && !upstream.oidc) return router;

  const now = () => services.clock().getTime();
  const state = createUpstreamStateStore(services.kv);
  const sessions = createUpstreamSessions(state, sessionTtlSeconds);
  const connectors = new Map<string, UpstreamConnector>();
  const completion = createCompletion({
    provider,
    services,
    state,
    sessions,
    lookup: createPupilLookup(services),
    connectors,
    clientName: (id) => clients.get(String(id))?.client_name ?? String(id),
    logger,
  });

  const shared = {
    issuer,
    mapping: upstream.mapping,
    adminRole: upstream.adminRole,
    state,
    logger,
    onIdentity: completion.onIdentity,
    onLogoutReturn: completion.onLogoutReturn,
  };
  if (upstream.saml) {
    connectors.set('saml', createSamlConnector({ ...shared, config: upstream.saml, now }));
  }
  if (upstream.oidc)
    connectors.set('oidc', createOidcConnector({ ...shared, config: upstream.oidc }));

  router.use(refusalPages(logger));
  router.post('/upstream/:connector/start/:uid', async (ctx) => {
    const connector = connectors.get(ctx.params.connector as string);
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (!connector || details.uid !== ctx.params.uid) {
      throw new LeerIdError('upstream.state', 'Deze aanmelding is verlopen. Probeer opnieuw.', {
        detail: `no connector ${ctx.params.connector} or another interaction`,
      });
    }

    ctx.status = 303;
    ctx.redirect(await connector.start(details.uid));
  });
  for (const connector of connectors.values()) router.use(connector.router.routes());
  if (onConsoleLogin) addConsoleLogin(router, connectors, state, onConsoleLogin);
  router.get('/upstream/finish/:uid', (ctx) => completion.finish(ctx));
  router.post('/session/end/confirm', upstreamLogout(connectors, sessions, state, logger));

  return router;
}

/**
 * Runs after oidc-provider's own end_session confirmation: when the person
 * logged out of LeerID entirely, the upstream session ends too, and where the
 * IdP offers single logout the browser goes there first and comes back to
 * where end_session was sending it.
 */
function upstreamLogout(
  connectors: ReadonlyMap<string, UpstreamConnector>,
  sessions: UpstreamSessions,
  state: UpstreamStateStore,
  logger: Logger,
) {
  return async (ctx: Context, next: Next) => {
    await next();
    const oidc = (ctx as { oidc?: { params?: { logout?: unknown } } }).oidc;
    if (ctx.status !== 303 || !oidc?.params?.logout) return;

    const session = await sessions.close(ctx);
    const connector = session ? connectors.get(session.connectorId) : undefined;
    if (!session?.logoutHandle || !connector) return;

    const logoutState = randomBytes(24).toString('base64url');
    try {
      const url = await connector.logoutUrl(session.logoutHandle, logoutState);
      if (!url) return;
      await state.put(
        logoutKey(logoutState),
        JSON.stringify({ location: ctx.response.get('Location') }),
        LOGOUT_TTL_SECONDS,
      );
      ctx.redirect(url);
    } catch (error) {
      // LeerID's own logout has happened; the upstream one is best effort.
      logger.warn(
        { err: error, reason: 'upstream.logout', reqId: ctx.state.requestId },
        'upstream single logout not started',
      );
    }
  };
}

/** Upstream refusals: one warn line with the stable reason code, and an error page. */
function refusalPages(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof LeerIdError) || !error.code.startsWith('upstream.')) throw error;
      logger.warn(
        { reason: error.code, detail: error.detail, path: ctx.path, reqId: ctx.state.requestId },
        'upstream login refused',
      );
      ctx.status = error.status;
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = renderPage('error', { error: error.code, description: error.message });
    }
  };
}
