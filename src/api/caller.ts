/**
 * Who is calling: the access token (issued by LeerID's own token endpoint
 * to a registered API caller) and what that caller may see.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { ApiCallerRegistration } from '../oidc/clients.js';
import { ApiProblem } from './problem.js';

export interface Caller {
  registration: ApiCallerRegistration;
  scopes: Set<string>;
}

export async function authenticateCaller(
  ctx: Context,
  provider: Provider,
  callers: ReadonlyMap<string, ApiCallerRegistration>,
): Promise<Caller> {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(ctx.get('authorization'));
  if (!match?.[1]) {
    ctx.set('WWW-Authenticate', 'Bearer realm="leerid-api"');
    throw new ApiProblem('api.unauthorized');
  }

  const token = await provider.ClientCredentials.find(match[1]);
  const registration = token ? callers.get(token.clientId as string) : undefined;
  if (!token || token.isExpired || !registration) {
    ctx.set('WWW-Authenticate', 'Bearer realm="leerid-api", error="invalid_token"');
    throw new ApiProblem('api.unauthorized', 'the access token is unknown or expired');
  }

  return { registration, scopes: new Set(String(token.scope ?? '').split(' ')) };
}

export function requireScopes(ctx: Context, caller: Caller, scopes: readonly string[]) {
  const missing = scopes.filter((scope) => !caller.scopes.has(scope));
  if (missing.length > 0) {
    ctx.set('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`);
    throw new ApiProblem('api.insufficient_scope', `needs scope ${missing.join(' ')}`);
  }
}
