/**
 * Fast 503s while PostgreSQL or Redis is unreachable. Known outage: the
 * request is answered at once, before it can wait on a dead connection.
 * Outage found by the request itself (oidc-provider reports it as a
 * server_error, our routes throw it): the answer becomes the same 503 and
 * readiness probes again. Health and metrics stay reachable throughout, and
 * so do discovery and the JWKS, which need neither PostgreSQL nor Redis.
 */
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from './logger.js';
import { dependencyOf, type Dependency } from './dependency-errors.js';
import type { Readiness } from './readiness.js';
import { renderPage } from './views.js';

const ALWAYS_SERVED = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/.well-known/openid-configuration',
  '/jwks',
]);
const RETRY_AFTER_SECONDS = '5';

export function availability(readiness: Readiness, logger: Logger): Middleware {
  return async (ctx, next) => {
    if (ALWAYS_SERVED.has(ctx.path)) return next();
    if (!readiness.isAvailable()) return respondUnavailable(ctx);

    await next();

    const failed = ctx.state.dependencyFailure as Dependency | undefined;
    if (failed) {
      logger.warn({ reqId: ctx.state.requestId, dependency: failed }, 'dependency unavailable');
      readiness.reportFailure(failed);
      respondUnavailable(ctx);
    }
  };
}

/** Marks the request when oidc-provider swallowed a dependency outage as server_error. */
export function watchProviderErrors(provider: Provider): void {
  provider.on('server_error', (ctx, error) => {
    const dependency = dependencyOf(error);
    if (dependency) ctx.state.dependencyFailure = dependency;
  });
}

/** A 503 the caller can act on: an HTML page for a browser, JSON for an API client. */
export function respondUnavailable(ctx: Context): void {
  ctx.status = 503;
  ctx.remove('Location');
  ctx.set('Retry-After', RETRY_AFTER_SECONDS);
  ctx.set('Cache-Control', 'no-store');
  const description =
    'LeerID is even niet bereikbaar. Probeer het over enkele ogenblikken opnieuw.';

  if (ctx.accepts('json', 'html') === 'html') {
    ctx.type = 'html';
    ctx.body = renderPage('error', { error: 'temporarily_unavailable', description });
  } else {
    ctx.body = { error: 'temporarily_unavailable', error_description: description };
  }
}
