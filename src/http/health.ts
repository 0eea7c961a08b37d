/**
 * Liveness and readiness for load balancers and orchestrators. /healthz
 * answers while the process runs; /readyz probes the database and Redis
 * and is 503 while one is unreachable or the node is shutting down.
 */
import Router from '@koa/router';
import type { Readiness } from './readiness.js';

export function createHealthRouter(readiness: Readiness) {
  const router = new Router();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const status = await readiness.probe();
    ctx.status = status.ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: status.ready ? 'ready' : 'unavailable', ...status };
  });

  return router;
}
