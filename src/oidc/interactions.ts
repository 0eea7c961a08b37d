/**
 * The pages a pupil sees between a platform's authorization request and the
 * redirect back: the login form, and the refusal when the access rule says no.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction, InteractionResults } from 'oidc-provider';
import { TEXTS } from '../accounts/http/texts.js';
import type { LoginService } from '../accounts/login.js';
import { readForm } from '../http/forms.js';
import { renderPage } from '../http/views.js';
import type { Services } from '../services.js';
import { ACCESS_REFUSALS, type AccessDecision } from './access.js';
import type { ClientRegistration } from './clients.js';
import { upstreamLoginOptions, type UpstreamLoginOption } from '../upstream/login-options.js';

/** Why a login is refused: the access rule's reasons, and those of upstream logins. */
export type Refusal =
  Extract<AccessDecision, { allowed: false }>['reason'] | 'unknown_person' | 'not_a_pupil';

const REFUSAL_TEXT: Record<Refusal, string> = {
  no_current_enrolment: 'Je bent op dit moment in geen enkele school ingeschreven.',
  platform_not_linked: 'Je school gebruikt dit platform niet.',
  unknown_person: 'Bij de persoon die zich bij ACM aanmeldde, vinden we geen LeerID-account.',
  not_a_pupil: 'Je bent aangemeld als LeerID-beheerder; dit platform is er voor leerlingen.',
};

const WRONG_CREDENTIALS = 'Deze combinatie van gebruikersnaam en wachtwoord klopt niet.';

export function createInteractionRouter(
  provider: Provider,
  services: Services,
  clients: ReadonlyMap<string, ClientRegistration>,
  passwordLogin: LoginService,
) {
  const router = new Router();
  const upstream = upstreamLoginOptions(services.config);
  const clientName = (clientId: unknown) =>
    clients.get(String(clientId))?.client_name ?? String(clientId);

  router.get('/interaction/:uid', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session, uid } = details;
    const name = clientName(params.client_id);

    if (
      prompt.name === 'login' &&
      session?.accountId &&
      prompt.reasons.some((reason) => (ACCESS_REFUSALS as readonly string[]).includes(reason))
    ) {
      const decision = await services.access.decide(
        session.accountId,
        String(params.client_id),
        services.today(),
      );
      if (!decision.allowed) return refuse(ctx, uid, name, decision.reason);
    }

    if (prompt.name === 'consent' && session?.accountId) {
      // Platforms registered by config need no consent screen; an explicit
      // prompt=consent (as offline_access demands) is answered at once.
      const grant =
        (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
        new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
      grant.addOIDCScope(String(params.scope ?? 'openid'));
      const grantId = await grant.save();
      await finishInteraction(ctx, details, { ...details.lastSubmission, consent: { grantId } });
      return;
    }

    showLogin(ctx, uid, name, { upstream });
  });

  router.post('/interaction/:uid/login', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { params, uid } = details;
    const name = clientName(params.client_id);
    const form = await readForm(ctx);
    const username = (form.get('username') ?? '').trim().toLowerCase();
    const password = form.get('password') ?? '';

    // Behind the brute-force limits per username and per address (src/accounts/throttle.ts).
    const result = await passwordLogin.withPassword({ username, password, ip: ctx.ip });
    if (!result.ok) {
      const locked = result.reason === 'locked';
      ctx.status = locked ? 429 : 401;
      const error = locked ? TEXTS.nl.locked(result.retryAfterSeconds) : WRONG_CREDENTIALS;
      return showLogin(ctx, uid, name, { username, error, upstream });
    }
    const { account } = result;

    await finishPupilLogin(ctx, services, { details, clientName: name }, account.pupilId);
  });

  router.post('/interaction/:uid/abort', async (ctx) => {
    const form = await readForm(ctx);
    const reason = form.get('reason');
    const description =
      reason && Object.hasOwn(REFUSAL_TEXT, reason) ? reason : 'the pupil did not sign in';

    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { error: 'access_denied', error_description: description },
      { mergeWithLastSubmission: false },
    );
  });

  return router;
}

function showLogin(
  ctx: Context,
  uid: string,
  clientName: string,
  extra: { username?: string; error?: string; upstream?: UpstreamLoginOption[] } = {},
) {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderPage('login', { uid, clientName, ...extra });
}

/**
 * The end of every way of logging in (password, upstream IdP): the access
 * rule, then the login is finished for the pupil or the refusal page shown.
 * True when the login was finished.
 */
export async function finishPupilLogin(
  ctx: Context,
  services: Services,
  interaction: { details: Interaction; clientName: string },
  pupilId: string,
): Promise<boolean> {
  const { details, clientName } = interaction;
  const clientId = String(details.params.client_id);
  const decision = await services.access.decide(pupilId, clientId, services.today());
  if (!decision.allowed) {
    refuse(ctx, details.uid, clientName, decision.reason);
    return false;
  }

  await services.accounts.recordLogin(pupilId, services.clock().getTime());
  await finishInteraction(ctx, details, { login: { accountId: pupilId } });
  return true;
}

/**
 * What oidc-provider's interactionFinished does, on the interaction this
 * request has already read (and checked against the session): store the
 * result and send the browser back to the authorization endpoint. Reading
 * it a second time would cost a Redis round trip per login.
 */
async function finishInteraction(ctx: Context, details: Interaction, result: InteractionResults) {
  details.result = result;
  await details.save(details.exp - Math.floor(Date.now() / 1000));
  ctx.status = 303;
  ctx.set('Location', details.returnTo);
  ctx.body = '';
}

/** The refusal page; its button returns access_denied with the reason to the platform. */
export function refuse(ctx: Context, uid: string, clientName: string, reason: Refusal) {
  ctx.status = 403;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderPage('refused', { uid, clientName, reason, message: REFUSAL_TEXT[reason] });
}
