/**
 * A second, LeerID-independent OpenID Connect provider (oidc-provider) on its
 * own loopback port, standing in for ACM's OIDC side. Interactions are
 * answered at once for the account the test chose, with every requested
 * scope granted; end_session keeps oidc-provider's own confirmation page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import { testKeys } from './server.js';

export interface OidcIdp {
  issuer: string;
  /** The account the next login at this IdP is for. */
  loginAs(accountId: string): void;
  close(): Promise<void>;
}

export interface OidcIdpSocket {
  issuer: string;
  start(options: {
    client: { id: string; secret: string; redirectUri: string; postLogoutRedirectUri: string };
    accounts: Record<string, Record<string, unknown>>;
  }): Promise<OidcIdp>;
}

/** Opens the socket first: the issuer must name the port before the provider exists. */
export async function openOidcIdp(): Promise<OidcIdpSocket> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    async start({ client, accounts }) {
      const { jwks } = await testKeys();
      let next = Object.keys(accounts)[0] as string;
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: client.id,
            client_secret: client.secret,
            redirect_uris: [client.redirectUri],
            post_logout_redirect_uris: [client.postLogoutRedirectUri],
            response_types: ['code'],
            grant_types: ['authorization_code'],
          },
        ],
        claims: { openid: ['sub'], profile: ['name', 'leerid_uuid', 'rrn', 'rol'] },
        conformIdTokenClaims: false,
        jwks: jwks as Configuration['jwks'],
        cookies: { keys: ['upstream-idp-test-cookie-key-0123456789'] },
        features: { devInteractions: { enabled: false } },
        interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
        findAccount: (_ctx, sub) => ({
          accountId: sub,
          claims: () => ({ sub, ...accounts[sub] }),
        }),
      });

      provider.use(async (ctx, nextMiddleware) => {
        if (!ctx.path.startsWith('/interaction/')) return nextMiddleware();
        const details = await provider.interactionDetails(ctx.req, ctx.res);
        if (details.prompt.name === 'login') {
          await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: next } });
          return;
        }
        const grant = new provider.Grant({
          accountId: details.session?.accountId as string,
          clientId: String(details.params.client_id),
        });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(
          ctx.req,
          ctx.res,
          { consent: { grantId } },
          { mergeWithLastSubmission: true },
        );
      });
      server.on('request', provider.callback());

      return {
        issuer,
        loginAs(accountId) {
          next = accountId;
        },
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  };
}
