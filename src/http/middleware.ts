/** Cross-cutting HTTP concerns for LeerID's own pages. */
import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { respondUnavailable } from './availability.js';
import { dependencyOf } from './dependency-errors.js';
import { errorSummary, type Logger } from './logger.js';
import { renderPage } from './views.js';

/** Security headers for every response. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    await next();
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    if (ctx.type === 'text/html' && !ctx.response.get('Content-Security-Policy')) {
      ctx.set(
        'Content-Security-Policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      );
    }
  };
}

/** A request id on every request and one log line per finished request. */
export function requestLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    const id = requestIdOf(ctx);
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    try {
      await next();
    } finally {
      const entry = {
        reqId: id,
        method: ctx.method,
        path: loggedPath(ctx),
        status: ctx.status,
        ms: Math.round(performance.now() - started),
      };
      const cause = ctx.state.serverError as unknown;
      const failure = ctx.status >= 500 && cause ? { error: errorSummary(cause) } : {};
      // The client is gone (or shutdown cut the connection): the status is
      // what the answer would have been, not what anyone received.
      if (ctx.req.socket.destroyed) {
        logger.warn({ ...entry, ...failure, cut: true }, 'request cut off');
      } else if (ctx.status >= 500) logger.error({ ...entry, ...failure }, 'request failed');
      else logger.info(entry, 'request');
    }
  };
}

/** oidc-provider answers its own 500s and keeps the cause: keep it for the request log. */
export function keepProviderErrors(provider: Provider): void {
  provider.on('server_error', (ctx, error) => {
    ctx.state.serverError = error;
  });
}

/**
 * The route pattern rather than the path when a router matched: paths such
 * as /account/nieuw-wachtwoord/<token> carry single-use secrets. Of a path
 * no router matched only the first segment is kept, and only when it is a
 * plain word: the rest may be a token, a national number in any notation,
 * or a name.
 */
function loggedPath(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: string })._matchedRoute;
  if (matched) return matched;
  const [, first = '', ...rest] = ctx.path.split('/');
  const plain = /^[a-z-]{1,24}$/.test(first) ? first : '…';
  return ['', plain, ...rest.map((segment) => (segment ? '…' : ''))].join('/');
}

/** A caller's request id is kept only when it is short and plain. */
function requestIdOf(ctx: Context): string {
  const given = ctx.get('x-request-id');
  return /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * Errors thrown by LeerID's own routes become an error page. oidc-provider's
 * errors carry a public status and code; anything else is a 500 whose detail
 * stays in the log.
 */
export function errorPages(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const dependency = dependencyOf(error);
      if (dependency) {
        // An outage, not a bug: the availability middleware answers 503.
        ctx.state.dependencyFailure = dependency;
        respondUnavailable(ctx);
        return;
      }

      const err = error as { status?: number; error?: string; error_description?: string };
      const status = err.status && err.status < 500 ? err.status : 500;
      if (status === 500) {
        ctx.state.serverError = error;
        logger.error({ err: error, reqId: ctx.state.requestId }, 'unhandled');
      }
      ctx.status = status;
      ctx.type = 'html';
      ctx.body = renderPage('error', {
        error: status === 500 ? 'server_error' : (err.error ?? 'invalid_request'),
        description:
          status === 500
            ? 'Er ging iets mis aan onze kant. Probeer het later opnieuw.'
            : err.error_description,
      });
    }
  };
}
