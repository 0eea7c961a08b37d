/**
 * The demo administrator exists only when the app is given one (serve
 * --demo): otherwise the login page offers no form and its endpoint is 404.
 * With one, wrong passwords are refused and, after 20 per address, paused.
 */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { CLIENTS, DEMO_ADMIN } from './admin.config.js';

async function loginForm(issuer: string) {
  const page = await fetch(`${issuer}/beheer/aanmelden`);
  const html = await page.text();
  return {
    html,
    token: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
    cookie: page.headers.getSetCookie()[0]?.split(';')[0] ?? '',
  };
}

async function tryLogin(issuer: string, password: string) {
  const form = await loginForm(issuer);
  return fetch(`${issuer}/beheer/aanmelden/demo`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({
      username: DEMO_ADMIN.username,
      password,
      _csrf: form.token,
    }).toString(),
  });
}

describe('admin console: the demo administrator', function () {
  let db: Db;
  const servers: TestServer[] = [];

  before(async function () {
    db = await freshDb();
  });

  after(async function () {
    for (const server of servers) await server.close();
    await db?.destroy();
  });

  async function start(demo: boolean) {
    const server = await startServer({
      db,
      clients: CLIENTS,
      ...(demo ? { demoAdmin: DEMO_ADMIN } : {}),
      config: { keysDir: tempDir('keys'), mail: { outboxDir: tempDir('outbox') } },
    });
    servers.push(server);
    return server;
  }

  it('does not exist without --demo', async () => {
    const server = await start(false);
    const form = await loginForm(server.issuer);
    expect(form.html).not.to.contain('/beheer/aanmelden/demo');
    const response = await tryLogin(server.issuer, DEMO_ADMIN.password);
    expect(response.status).to.equal(404);
    expect(response.headers.getSetCookie().join()).not.to.contain('leerid.admin=');
  });

  it('refuses a wrong password, and pauses an address after 20 failures', async () => {
    const server = await start(true);
    const first = await tryLogin(server.issuer, 'wrong');
    expect(first.status).to.equal(401);
    expect(first.headers.getSetCookie().join()).not.to.contain('leerid.admin=');

    for (let i = 1; i < 20; i++) await tryLogin(server.issuer, `wrong-${i}`);
    const locked = await tryLogin(server.issuer, DEMO_ADMIN.password);
    expect(locked.status).to.equal(429);
  });
});
