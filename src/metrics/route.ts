/**
 * GET /metrics in the Prometheus text format. With metricsToken set, only
 * a scraper presenting it as a bearer token gets an answer; otherwise keep
 * the path off the public proxy.
 */
import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import { registry } from './registry.js';

export function createMetricsRouter(token: string | undefined) {
  const router = new Router();

  router.get('/metrics', async (ctx) => {
    if (token && !bearerMatches(ctx.get('authorization'), token)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });

  return router;
}

function bearerMatches(header: string, token: string): boolean {
  const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
