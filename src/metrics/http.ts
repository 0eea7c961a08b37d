/**
 * Request metrics: a latency histogram labelled by route name (never by raw
 * path, which holds uids), and login attempts counted from the answers of
 * the login routes, so every login page is counted the same way.
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { httpDuration, loginsTotal, tokensTotal } from './registry.js';

/**
 * POST routes that finish a login, with their method. A login route added
 * elsewhere (picture login, ACM's assertion consumer) adds a line here, or
 * calls recordLogin() itself if its outcome is not readable from the status.
 */
export const LOGIN_ROUTES: { pattern: RegExp; method: string }[] = [
  { pattern: /^\/interaction\/[^/]+\/login$/, method: 'password' },
  { pattern: /^\/interaction\/[^/]+\/picture$/, method: 'picture' },
];

export type LoginOutcome =
  'success' | 'invalid_credentials' | 'refused' | 'locked' | 'unavailable' | 'error';

export function recordLogin(method: string, outcome: LoginOutcome): void {
  loginsTotal.inc({ method, outcome });
}

export function requestMetrics(): Middleware {
  return async (ctx, next) => {
    const stop = httpDuration.startTimer();
    try {
      await next();
    } finally {
      const oidcRoute = (ctx as { oidc?: { route?: string } }).oidc?.route;
      const route = oidcRoute ?? (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      stop({ method: ctx.method, route: String(route), status: String(ctx.status) });

      const login = ctx.method === 'POST' && LOGIN_ROUTES.find((r) => r.pattern.test(ctx.path));
      if (login) recordLogin(login.method, loginOutcome(ctx.status));
    }
  };
}

function loginOutcome(status: number): LoginOutcome {
  if (status >= 200 && status < 400) return 'success';
  if (status === 401) return 'invalid_credentials';
  if (status === 403) return 'refused';
  if (status === 429) return 'locked';
  if (status === 503) return 'unavailable';
  return 'error';
}

/** Tokens by client, from oidc-provider's token endpoint event. */
export function countTokens(provider: Provider): void {
  provider.on('grant.success', (ctx) => {
    const client = ctx.oidc.client?.clientId ?? 'unknown';
    const grantType = String(ctx.oidc.params?.grant_type ?? 'unknown');
    tokensTotal.inc({ client, grant_type: grantType });
  });
}
