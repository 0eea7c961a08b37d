/** Liveness and readiness for load balancers and orchestrators. */
import Router from '@koa/router';
import type { Db } from '../store/db.js';

export function createHealthRouter(db: Db) {
  const router = new Router();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const database = await db
      .raw('select 1')
      .then(() => true)
      .catch(() => false);
    ctx.status = database ? 200 : 503;
    ctx.body = { status: database ? 'ready' : 'unavailable', database };
  });

  return router;
}
