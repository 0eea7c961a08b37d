/**
 * Which platforms a school uses: one checkbox per registered platform. The
 * choice writes 'school' links and opt-outs (src/store/platform-links.ts),
 * which the login rule and the claim filter read.
 */
import type Router from '@koa/router';
import { consoleState, schoolOf, type ConsoleDeps } from '../deps.js';
import { renderConsole } from '../render.js';
import { CONSOLE_PATH } from '../session.js';

export function platformRoutes(router: Router, deps: ConsoleDeps) {
  const { audit, services, clients } = deps;
  const links = services.links;

  router.get('/platformen', async (ctx) => {
    const state = consoleState(ctx);
    const asked = typeof ctx.query.school === 'string' ? ctx.query.school : undefined;
    const school = schoolOf(state.admin, asked ?? state.admin.institutions[0]);
    const linked = new Set(await links.findClientsOf(school));

    renderConsole(ctx, state, 'platforms', {
      title: state.t.platformsTitle,
      nav: 'platforms',
      school,
      platforms: clients.map((client) => ({
        id: client.client_id,
        name: client.client_name ?? client.client_id,
        linked: linked.has(client.client_id),
      })),
      notice: ctx.query.bewaard ? state.t.platformsSaved : undefined,
    });
  });

  router.post('/platformen', async (ctx) => {
    const state = consoleState(ctx);
    const school = schoolOf(state.admin, state.form.get('school'));
    const chosen = new Set(state.form.getAll('platform'));
    const before = new Set(await links.findClientsOf(school));
    const now = services.clock().getTime();

    const changes = { linked: [] as string[], unlinked: [] as string[] };
    // Only registered platforms; an unknown id in the form is ignored.
    for (const client of clients) {
      const id = client.client_id;
      const linked = chosen.has(id);
      if (linked === before.has(id)) continue;
      await links.setSchoolChoice({
        institutionNumber: school,
        clientId: id,
        linked,
        adminId: state.admin.adminId,
        now,
      });
      (linked ? changes.linked : changes.unlinked).push(id);
    }
    audit.acted(state.admin, null, 'platforms.set', { school, ...changes });

    ctx.status = 303;
    ctx.redirect(`${CONSOLE_PATH}/platformen?school=${encodeURIComponent(school)}&bewaard=1`);
  });
}
