/**
 * oidc-provider configured for LeerID: code flow only, clients from the
 * registrations file, no consent screen for them, and claims enriched from
 * the store and filtered per platform at every issuance.
 */
import Provider, {
  interactionPolicy,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { API_SCOPES, type ApiCallerRegistration, type ClientRegistration } from './clients.js';
import { CLAIMS_BY_SCOPE, buildClaims, type PupilClaims } from './claims.js';
import type { PrivacyEvent } from '../audit/entry.js';
import type { KeyMaterial } from './keys.js';
import { LeerIdError } from '../errors/index.js';
import type { Services } from '../services.js';
import { classDeviceCheck } from '../accounts/http/class-device.js';
import { renderPage } from '../http/views.js';
import { oncePerRequest } from './once-per-request.js';
import { accountStillStands, loginTimeOf } from './account-standing.js';
import { ACCESS_REFUSALS } from './access.js';

const { Check, base: basePolicy } = interactionPolicy;

export interface ProviderOptions {
  services: Services;
  clients: ClientRegistration[];
  apiCallers?: ApiCallerRegistration[];
  keys: KeyMaterial;
  adapter: Configuration['adapter'];
}

export function createProvider(options: ProviderOptions): Provider {
  const { services, clients, keys, adapter } = options;
  const apiCallers = options.apiCallers ?? [];
  const registrations = new Map(clients.map((client) => [client.client_id, client]));

  const configuration: Configuration = {
    adapter,
    clients: clientMetadataOf(clients, apiCallers),
    jwks: keys.jwks as Configuration['jwks'],
    cookies: { keys: keys.cookieKeys },
    scopes: [...new Set(['openid', 'offline_access', 'profile', 'leerid', ...API_SCOPES])],
    claims: { ...CLAIMS_BY_SCOPE } as unknown as Configuration['claims'],
    // The same claims in the ID token as at userinfo: platforms read either.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
    },
    extraClientMetadata: { properties: ['insz_legal_basis'] },
    features: {
      devInteractions: { enabled: false },
      // Only API callers have the client_credentials grant (see toApiCallerMetadata).
      clientCredentials: { enabled: true },
      // A platform may only revoke or inspect the tokens issued to itself.
      revocation: { enabled: true, allowedPolicy: ownTokensOnly },
      introspection: { enabled: true, allowedPolicy: ownTokensOnly },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = renderPage('logout', { form });
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = renderPage('logged-out', {});
        },
      },
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: buildPolicy(services),
    },
    ttl: {
      Session: services.config.sessionTtlSeconds,
      Interaction: 3600,
      Grant: services.config.sessionTtlSeconds,
      AuthorizationCode: 60,
      AccessToken: 3600,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      ClientCredentials: 600,
    },
    loadExistingGrant: (ctx) => grantRequestedScopes(ctx),
    findAccount: async (ctx, sub, token) => {
      const clientId = ctx.oidc.client?.clientId;
      const found = await pupilAccess(services, ctx, sub, clientId);
      if (!found) return undefined;
      const { pupil, decision } = found;
      // A code, refresh token or access token is honoured only while the
      // access rule still lets the pupil reach its platform (a night's sync
      // may end the enrolment) and the account still stands behind the login
      // (not blocked, no new password since): otherwise the grant fails and
      // userinfo answers 401. Without a token this is the session's account at
      // the authorization endpoint, where the login prompt's checks decide.
      if (token && !(decision.allowed && accountStillStands(found.account, loginTimeOf(token)))) {
        return undefined;
      }
      return {
        accountId: sub,
        claims: async (use, scope) => {
          const registration = clientId ? registrations.get(clientId) : undefined;
          const claims = buildClaims(pupil, {
            scopes: new Set(scope.split(' ')),
            linkedEnrolments: clientId && decision.allowed ? decision.enrolments : [],
            inszLegalBasis: registration?.inszLegalBasis,
          });
          if (clientId) {
            services.privacyLog.record(disclosureEvent(use, clientId, claims, registration));
          }
          return claims as unknown as { sub: string };
        },
      };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderPage('error', { error: out.error, description: out.error_description });
    },
  };

  return new Provider(services.config.issuer, configuration);
}

/**
 * The pupil and the access decision for the request's platform, read once
 * per request (see once-per-request.ts). Without a platform no school is
 * linked, so nothing is allowed.
 */
function pupilAccess(
  services: Services,
  ctx: KoaContextWithOIDC,
  pupilId: string,
  clientId: string | undefined,
) {
  return oncePerRequest(ctx, `pupil-access:${pupilId}:${clientId ?? ''}`, () =>
    services.access.lookup(pupilId, clientId ?? '', services.today()),
  );
}

/** Why the rule refuses; a pupil no longer in the store has no enrolment either. */
function refusalOf(found: Awaited<ReturnType<typeof pupilAccess>>) {
  if (!found) return 'no_current_enrolment';
  return found.decision.allowed ? undefined : found.decision.reason;
}

/** What the privacy log keeps of a release: claim names and schools, no values. */
function disclosureEvent(
  use: string,
  clientId: string,
  claims: PupilClaims,
  registration: ClientRegistration | undefined,
): PrivacyEvent {
  return {
    kind: use === 'id_token' ? 'disclosure.id_token' : 'disclosure.userinfo',
    actorType: 'client',
    actor: clientId,
    pupilId: claims.sub,
    purpose: 'login to a learning platform',
    legalBasis: claims.insz ? (registration?.inszLegalBasis ?? null) : null,
    data: {
      claims: Object.keys(claims).sort(),
      institutions: claims.enrolments?.map((e) => e.institution_number) ?? [],
    },
  };
}

function ownTokensOnly(_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) {
  return token.clientId === client.clientId;
}

/** The registrations as oidc-provider's client metadata. */
export function clientMetadataOf(
  clients: ClientRegistration[],
  apiCallers: ApiCallerRegistration[] = [],
) {
  return [...clients.map(toClientMetadata), ...apiCallers.map(toApiCallerMetadata)];
}

/**
 * Runs oidc-provider's own client validation at start, so that a registration
 * it would refuse (a redirect URI it does not accept, say) stops the service
 * with the client and the problem named, instead of failing each login later.
 */
export async function checkClientMetadata(
  provider: Provider,
  metadata: ReturnType<typeof clientMetadataOf>,
  file: string,
): Promise<void> {
  for (const client of metadata) {
    try {
      await provider.Client.validate(client as never);
    } catch (error) {
      const { error_description: description, message } = error as {
        error_description?: string;
        message: string;
      };
      throw new LeerIdError(
        'clients.invalid',
        `${file}: client "${client.client_id}": ${description ?? message}`,
      );
    }
  }
}

/** An API caller authenticates with private_key_jwt and has no browser flow. */
function toApiCallerMetadata(caller: ApiCallerRegistration) {
  return {
    client_id: caller.client_id,
    ...(caller.client_name ? { client_name: caller.client_name } : {}),
    token_endpoint_auth_method: 'private_key_jwt' as const,
    ...(caller.jwks ? { jwks: caller.jwks } : { jwks_uri: caller.jwks_uri }),
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: caller.scopes.join(' '),
  };
}

function toClientMetadata(client: ClientRegistration) {
  return {
    client_id: client.client_id,
    ...(client.client_name ? { client_name: client.client_name } : {}),
    ...(client.public
      ? { token_endpoint_auth_method: 'none' as const }
      : { client_secret: client.client_secret }),
    redirect_uris: [...client.redirect_uris],
    post_logout_redirect_uris: [...client.post_logout_redirect_uris],
    scope: client.scopes.join(' '),
    ...(client.inszLegalBasis ? { insz_legal_basis: client.inszLegalBasis } : {}),
  };
}

/**
 * Platforms registered by config need no consent: the grant covers what the
 * platform asked for, which oidc-provider has already limited to its scopes.
 */
async function grantRequestedScopes(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const accountId = oidc.session?.accountId;
  const client = oidc.client;
  if (!accountId || !client) return undefined;

  const existingId = oidc.session?.grantIdFor(client.clientId);
  const grant =
    (existingId ? await oidc.provider.Grant.find(existingId) : undefined) ??
    new oidc.provider.Grant({ accountId, clientId: client.clientId });

  const requested = String(oidc.params?.scope ?? 'openid');
  grant.addOIDCScope(requested);
  await grant.save();
  return grant;
}

/**
 * The login prompt also fires for a pupil who already has a session but may
 * not use this platform, so that a session never bypasses the access rule.
 */
function buildPolicy(services: Services) {
  const policy = basePolicy();
  const login = policy.get('login');
  login?.checks.add(classDeviceCheck());
  login?.checks.add(
    new Check(
      'account_changed',
      'the account was blocked or its password changed since this login',
      'login_required',
      async (ctx) => {
        const session = ctx.oidc.session;
        const clientId = ctx.oidc.client?.clientId;
        if (!session?.accountId || !clientId) return Check.NO_NEED_TO_PROMPT;
        const found = await pupilAccess(services, ctx, session.accountId, clientId);
        const stands = found && accountStillStands(found.account, session.authTime() ?? 0);
        return stands ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
      },
    ),
  );
  // One check per reason of the access rule, named and described by it: at
  // prompt=none the platform gets the reason as error_description, as it
  // does from the refusal page.
  for (const reason of ACCESS_REFUSALS) {
    login?.checks.add(
      new Check(reason, reason, 'access_denied', async (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        const clientId = ctx.oidc.client?.clientId;
        if (!accountId || !clientId) return Check.NO_NEED_TO_PROMPT;
        const found = await pupilAccess(services, ctx, accountId, clientId);
        return refusalOf(found) === reason ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      }),
    );
  }
  return policy;
}
