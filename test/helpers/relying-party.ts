/**
 * A real relying party (openid-client) driving LeerID's code flow with PKCE,
 * with a UserAgent playing the pupil's browser.
 */
import * as oidc from 'openid-client';
import { UserAgent, type Page } from './user-agent.js';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface RelyingParty {
  config: oidc.Configuration;
  browser: UserAgent;
  /** Starts an authorization request; the browser lands on the login page. */
  authorize(
    scope: string,
    extra?: Record<string, string>,
  ): Promise<{ page: Page; finish: (page: Page) => Promise<Tokens> }>;
}

export type Tokens = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

export async function relyingParty(
  issuer: string,
  clientId: string,
  secret?: string,
  browser = new UserAgent(REDIRECT_URI),
): Promise<RelyingParty> {
  const auth = secret ? oidc.ClientSecretBasic(secret) : oidc.None();
  const config = await oidc.discovery(new URL(issuer), clientId, secret, auth, {
    execute: [oidc.allowInsecureRequests],
  });

  return {
    config,
    browser,
    async authorize(scope, extra = {}) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope,
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...extra,
      });

      const page = await browser.open(url.toString());
      const finish = async (landing: Page) =>
        oidc.authorizationCodeGrant(config, new URL(landing.url), {
          pkceCodeVerifier: verifier,
          expectedState: state,
        });
      return { page, finish };
    },
  };
}

/** Fills in and posts the LeerID login form. */
export function login(browser: UserAgent, page: Page, username: string, password: string) {
  return browser.submit(page, '/login', { username, password });
}
