/**
 * ACM over OpenID Connect as an upstream connector (openid-client): code
 * flow with PKCE, state and nonce kept server-side per interaction, the ID
 * token's claims (plus userinfo) as the attributes for the shared mapping,
 * and RP-initiated logout at the IdP's end_session_endpoint.
 */
import Router from '@koa/router';
import * as client from 'openid-client';
import type { AdminRoleConfig, MappingRule, OidcUpstreamConfig } from '../../config/upstream.js';
import { LeerIdError } from '../../errors/index.js';
import type { Logger } from '../../http/logger.js';
import type { UpstreamStateStore } from '../../store/upstream-state.js';
import type { IdentityHandler, LogoutReturnHandler, UpstreamConnector } from '../connector.js';

export const CONNECTOR_ID = 'oidc';

export const OIDC_PATHS = {
  callback: '/upstream/oidc/callback',
  loggedOut: '/upstream/oidc/logged-out',
};

export interface OidcConnectorOptions {
  config: OidcUpstreamConfig;
  issuer: string;
  mapping: readonly MappingRule[];
  adminRole: AdminRoleConfig;
  state: UpstreamStateStore;
  logger: Logger;
  onIdentity: IdentityHandler;
  onLogoutReturn: LogoutReturnHandler;
}

interface PendingLogin {
  interactionUid: string;
  verifier: string;
  nonce: string;
}

const stateKey = (state: string) => `oidc:state:${state}`;

export function createOidcConnector(options: OidcConnectorOptions): UpstreamConnector {
  const { config, state } = options;
  const redirectUri = `${options.issuer}${OIDC_PATHS.callback}`;
  const discover = cachedDiscovery(config);

  const router = new Router();
  router.get(OIDC_PATHS.callback, async (ctx) => {
    const returned = String(ctx.query.state ?? '');
    const pending = returned ? await state.take(stateKey(returned)) : undefined;
    if (!pending) throw failure('upstream.state', 'unknown or expired state');

    const { interactionUid, verifier, nonce } = JSON.parse(pending) as PendingLogin;
    const server = await discover();
    const callbackUrl = new URL(ctx.originalUrl, options.issuer);
    const tokens = await client
      .authorizationCodeGrant(server, callbackUrl, {
        pkceCodeVerifier: verifier,
        expectedState: returned,
        expectedNonce: nonce,
        idTokenExpected: true,
      })
      .catch((error: unknown) => {
        throw failure('upstream.oidc_failed', (error as Error).message, error);
      });

    const claims = tokens.claims() as client.IDToken;
    const userinfo = await client
      .fetchUserInfo(server, tokens.access_token, claims.sub)
      .catch(() => ({}));
    await options.onIdentity(ctx, interactionUid, {
      connectorId: CONNECTOR_ID,
      subject: claims.sub,
      attributes: toAttributes({ ...userinfo, ...claims }),
      ...(tokens.id_token ? { logoutHandle: { idToken: tokens.id_token } } : {}),
    });
  });

  router.get(OIDC_PATHS.loggedOut, async (ctx) => {
    await options.onLogoutReturn(ctx, ctx.query.state ? String(ctx.query.state) : undefined);
  });

  return {
    id: CONNECTOR_ID,
    label: config.label,
    mapping: config.mapping ?? options.mapping,
    adminRole: config.adminRole ?? options.adminRole,
    router,

    async start(interactionUid) {
      const server = await discover();
      const pending: PendingLogin = {
        interactionUid,
        verifier: client.randomPKCECodeVerifier(),
        nonce: client.randomNonce(),
      };
      const returned = client.randomState();
      await state.put(stateKey(returned), JSON.stringify(pending), config.requestTtlSeconds);

      return client
        .buildAuthorizationUrl(server, {
          redirect_uri: redirectUri,
          scope: config.scope,
          state: returned,
          nonce: pending.nonce,
          code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
          code_challenge_method: 'S256',
        })
        .toString();
    },

    async logoutUrl(handle, logoutState) {
      const server = await discover();
      if (!config.singleLogout || !server.serverMetadata().end_session_endpoint) return undefined;
      return client
        .buildEndSessionUrl(server, {
          ...(handle.idToken ? { id_token_hint: handle.idToken } : {}),
          post_logout_redirect_uri: `${options.issuer}${OIDC_PATHS.loggedOut}`,
          state: logoutState,
        })
        .toString();
    },
  };
}

/** Discovery once; a failure is not cached, so the next login tries again. */
function cachedDiscovery(config: OidcUpstreamConfig) {
  let found: Promise<client.Configuration> | undefined;
  const secret =
    config.clientSecret ??
    (config.clientSecretEnv ? process.env[config.clientSecretEnv] : undefined);

  return () => {
    found ??= client
      .discovery(
        new URL(config.issuer),
        config.clientId,
        secret,
        secret ? client.ClientSecretBasic(secret) : client.None(),
        config.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        found = undefined;
        throw failure('upstream.metadata', `discovery failed: ${(error as Error).message}`, error);
      });
    return found;
  };
}

/** Claims as attribute lists: strings and numbers kept, structures left out. */
function toAttributes(claims: Record<string, unknown>): Record<string, string[]> {
  const attributes: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(claims)) {
    const values = Array.isArray(value) ? value : [value];
    const scalars = values.filter((v) => typeof v === 'string' || typeof v === 'number');
    if (scalars.length === values.length && scalars.length > 0) {
      attributes[name] = scalars.map(String);
    }
  }
  return attributes;
}

function failure(
  code: 'upstream.state' | 'upstream.oidc_failed' | 'upstream.metadata',
  detail: string,
  cause?: unknown,
) {
  return new LeerIdError(code, 'Aanmelden via ACM is niet gelukt.', {
    status: code === 'upstream.metadata' ? 503 : 400,
    detail,
    cause,
  });
}
