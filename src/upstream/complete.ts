/**
 * The steps every connector shares once the IdP's answer passed its checks:
 * map the identity to a pupil and read the administrator role, park the
 * outcome for the browser, and, back in the browser's own interaction,
 * finish the login through the access rule or show why not.
 *
 * The ACS is a cross-site POST that carries no SameSite=Lax cookies, so it
 * cannot see the interaction; it stores the outcome under the interaction
 * uid and redirects (GET) to /upstream/finish/<uid>, where the cookies are
 * there and oidc-provider ties the uid to this browser.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { LeerIdError } from '../errors/index.js';
import type { Logger } from '../http/logger.js';
import { renderPage } from '../http/views.js';
import { finishPupilLogin, refuse } from '../oidc/interactions.js';
import type { Services } from '../services.js';
import type { UpstreamStateStore } from '../store/upstream-state.js';
import { adminInstitutions } from './admin-roles.js';
import type { UpstreamConnector, UpstreamIdentity } from './connector.js';
import { matchPupil, type PupilLookup } from './mapping.js';
import type { UpstreamSessions } from './session.js';

/** How long an outcome waits for the browser to come back. */
const OUTCOME_TTL_SECONDS = 300;

interface Outcome {
  connectorId: string;
  subject: string;
  pupilId?: string;
  adminInstitutions: string[];
  logoutHandle?: Record<string, string>;
}

export interface CompletionDeps {
  provider: Provider;
  services: Services;
  state: UpstreamStateStore;
  sessions: UpstreamSessions;
  lookup: PupilLookup;
  connectors: ReadonlyMap<string, UpstreamConnector>;
  clientName: (clientId: unknown) => string;
  logger: Logger;
}

export const finishPath = (uid: string) => `/upstream/finish/${encodeURIComponent(uid)}`;
export const logoutKey = (logoutState: string) => `logout:${logoutState}`;
export const outcomeKey = (uid: string) => `outcome:${uid}`;

export function createCompletion(deps: CompletionDeps) {
  const { provider, services, state, sessions, logger } = deps;

  return {
    /** Step 1, in the connector's callback: map, park the outcome, redirect. */
    async onIdentity(ctx: Context, uid: string, identity: UpstreamIdentity) {
      const connector = deps.connectors.get(identity.connectorId) as UpstreamConnector;
      const match = await matchPupil(identity, connector.mapping, deps.lookup);
      const admin = adminInstitutions(identity, connector.adminRole);

      logger.info(
        {
          reqId: ctx.state.requestId,
          connector: identity.connectorId,
          matchedBy: match?.rule ?? null,
          admin: admin.length > 0,
          ...(match || admin.length > 0 ? {} : { reason: 'upstream.no_match' }),
        },
        'upstream identity accepted',
      );

      const outcome: Outcome = {
        connectorId: identity.connectorId,
        subject: identity.subject,
        adminInstitutions: admin,
        ...(match ? { pupilId: match.pupilId } : {}),
        ...(identity.logoutHandle ? { logoutHandle: { ...identity.logoutHandle } } : {}),
      };
      await state.put(outcomeKey(uid), JSON.stringify(outcome), OUTCOME_TTL_SECONDS);
      ctx.status = 303;
      ctx.redirect(finishPath(uid));
    },

    /** Step 2, in the browser's interaction: session, access rule, finish or refuse. */
    async finish(ctx: Context) {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      const outcomeJson =
        details.uid === ctx.params.uid ? await state.take(outcomeKey(details.uid)) : undefined;
      if (!outcomeJson) {
        throw new LeerIdError('upstream.state', 'Deze aanmelding is verlopen. Probeer opnieuw.', {
          detail: 'no upstream outcome for this interaction',
        });
      }

      const outcome = JSON.parse(outcomeJson) as Outcome;
      const clientId = String(details.params.client_id);
      const interaction = { details, clientName: deps.clientName(clientId) };
      const isAdmin = outcome.adminInstitutions.length > 0;

      if (outcome.pupilId || isAdmin) {
        // Opened before the login finishes: oidc-provider then writes the response itself.
        await sessions.open(ctx, { ...outcome, createdAt: services.clock().getTime() });
      }
      if (!outcome.pupilId) {
        return refuse(
          ctx,
          details.uid,
          interaction.clientName,
          isAdmin ? 'not_a_pupil' : 'unknown_person',
        );
      }

      const finished = await finishPupilLogin(ctx, services, interaction, outcome.pupilId);
      if (!finished && !isAdmin) await sessions.close(ctx);
    },

    /** Back from the IdP's single logout: continue where end_session was going. */
    async onLogoutReturn(ctx: Context, logoutState: string | undefined) {
      const saved = logoutState ? await state.take(logoutKey(logoutState)) : undefined;
      const location = saved ? (JSON.parse(saved) as { location?: string }).location : undefined;
      if (location) {
        ctx.status = 303;
        ctx.redirect(location);
        return;
      }
      ctx.type = 'html';
      ctx.body = renderPage('logged-out', {});
    },
  };
}

export type Completion = ReturnType<typeof createCompletion>;
