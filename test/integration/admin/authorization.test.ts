/**
 * The console's boundaries: an administrator of school A reaches no pupil of
 * school B through any route, parameter or form field (403 or 404, and the
 * answer holds nothing of that pupil); every form without a valid CSRF token
 * is refused; the session cookie is HttpOnly, SameSite, Secure on https, and
 * a new id at every login; views and actions reach the privacy log.
 */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { insertChild, readOutbox, tempDir } from '../../helpers/accounts.js';
import { consoleLogin, type ConsoleBrowser } from '../../helpers/console.js';
import { freshDb } from '../../helpers/db.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { CLIENTS, DEMO_ADMIN, PUPILS, SCHOOL_A, SCHOOL_B } from './admin.config.js';

/** Every POST route on one pupil, with the fields its form sends. */
const PUPIL_ACTIONS: [string, Record<string, string>][] = [
  ['account', {}],
  ['wachtwoord', {}],
  ['wachtwoord-tonen', {}],
  ['prentje', {}],
  ['ontgrendelen', {}],
  ['blokkeren', {}],
  ['deblokkeren', {}],
  ['overdracht', { email: 'leak@example.org' }],
  ['brief', {}],
];
const CLASS_ACTIONS = ['wachtwoorden', 'brieven', 'prentkaarten'];
const LOGIN = { username: DEMO_ADMIN.username, password: DEMO_ADMIN.password };

describe('admin console: authorization and CSRF', function () {
  let db: Db;
  let server: TestServer;
  let outbox: string;
  let console: ConsoleBrowser;
  const ids = {} as Record<keyof typeof PUPILS, string>;
  /** What must never appear in an answer to school A's administrator. */
  const secrets: string[] = [];

  before(async function () {
    db = await freshDb();
    let number = 0;
    for (const [name, spec] of Object.entries(PUPILS)) {
      const id = await insertChild(db, spec);
      ids[name as keyof typeof PUPILS] = id;
      // Distinctive stamnummers, so a leak of one shows.
      number += 1;
      await db('enrolments')
        .where({ pupil_id: id })
        .update({ stamnummer: `9876543${number}` });
    }
    for (const id of [ids.otherTeen, ids.otherNursery, ids.formerPupil]) {
      const row = await db('accounts').where({ pupil_id: id }).first();
      const pupil = await db('pupils').where({ id }).first();
      const enrolment = await db('enrolments').where({ pupil_id: id }).first();
      secrets.push(row.username, pupil.given_name, pupil.family_name, enrolment.stamnummer);
    }
    outbox = tempDir('outbox');
    server = await startServer({
      db,
      clients: CLIENTS,
      demoAdmin: DEMO_ADMIN,
      config: { keysDir: tempDir('keys'), mail: { outboxDir: outbox } },
    });
    console = await consoleLogin(server.issuer, DEMO_ADMIN.username, DEMO_ADMIN.password);
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  function expectRefusedWithoutLeak(page: { status: number; html: string }, what: string) {
    expect([403, 404], `${what}: status`).to.include(page.status);
    for (const secret of secrets)
      expect(page.html, `${what} leaks ${secret}`).not.to.contain(secret);
    expect(page.html.startsWith('%PDF'), `${what} sent a PDF`).to.equal(false);
  }

  describe('a pupil of another school, through every route', function () {
    for (const pupil of ['otherTeen', 'otherNursery', 'formerPupil'] as const) {
      it(`refuses the pupil page of ${pupil} with nothing of the pupil in it`, async () => {
        expectRefusedWithoutLeak(await console.get(`/beheer/leerlingen/${ids[pupil]}`), pupil);
      });

      it(`refuses every action on ${pupil}`, async () => {
        for (const [action, fields] of PUPIL_ACTIONS) {
          const page = await console.post(`/beheer/leerlingen/${ids[pupil]}/${action}`, fields);
          expectRefusedWithoutLeak(page, `${action} on ${pupil}`);
        }
      });
    }

    it('answers an unknown or malformed pupil id exactly like another school’s pupil', async () => {
      const other = await console.get(`/beheer/leerlingen/${ids.otherTeen}`);
      const unknown = await console.get('/beheer/leerlingen/00000000-0000-4000-8000-000000000000');
      const malformed = await console.get("/beheer/leerlingen/1'%20or%20'1'='1");
      expect(unknown.status).to.equal(other.status);
      expect(malformed.status).to.equal(other.status);
      expect(unknown.html.replaceAll(/[0-9a-f-]{36}/g, 'ID')).to.equal(
        other.html.replaceAll(/[0-9a-f-]{36}/g, 'ID'),
      );
    });

    it('refuses class actions for the other school, and finds the other school’s class nowhere', async () => {
      for (const action of CLASS_ACTIONS) {
        const forB = await console.post(`/beheer/klassen/${action}`, {
          school: SCHOOL_B,
          klas: '7Z',
        });
        expectRefusedWithoutLeak(forB, `${action} for school B`);
        // School B's class name under school A's number: not a class of A.
        const asA = await console.post(`/beheer/klassen/${action}`, {
          school: SCHOOL_A,
          klas: '7Z',
        });
        expectRefusedWithoutLeak(asA, `${action} for 7Z under school A`);
      }
    });

    it('keeps the other school out of the pupil list, whatever the search', async () => {
      expectRefusedWithoutLeak(
        await console.get(`/beheer/leerlingen?school=${SCHOOL_B}`),
        'list of school B',
      );
      for (const query of ['q=Verborgen', 'q=xavier', 'klas=7Z', 'klas=K9', 'status=none']) {
        const page = await console.get(`/beheer/leerlingen?${query}`);
        expect(page.status).to.equal(200);
        // The search field and links repeat what was typed; the rest holds nothing of school B.
        const shown = page.html.replace(/<input id="q"[^>]*>/, '').replace(/href="[^"]*"/g, '');
        for (const secret of secrets) expect(shown, query).not.to.contain(secret);
      }
      const stamnummer = (await db('enrolments').where({ pupil_id: ids.otherTeen }).first())
        .stamnummer;
      const byNumber = await console.get(`/beheer/leerlingen?q=${stamnummer}`);
      expect(byNumber.html).to.contain('0 leerlingen gevonden');
    });

    it('refuses the other school’s platform choice', async () => {
      expectRefusedWithoutLeak(
        await console.get(`/beheer/platformen?school=${SCHOOL_B}`),
        'platforms of B',
      );
      const post = await console.post('/beheer/platformen', {
        school: SCHOOL_B,
        platform: ['platform-b'],
      });
      expectRefusedWithoutLeak(post, 'platform choice for B');
      expect(await server.app.services.links.findClientsOf(SCHOOL_B)).to.deep.equal(['platform-a']);
    });

    it('changed nothing of the other school’s pupils and sent no mail', async () => {
      for (const id of [ids.otherTeen, ids.otherNursery, ids.formerPupil]) {
        const row = await db('accounts').where({ pupil_id: id }).first();
        expect(row.password_hash, id).to.equal(null);
        expect(row.school_copy, id).to.equal(null);
        expect(row.picture, id).to.equal(null);
        expect(row.status, id).to.equal('active');
      }
      expect(readOutbox(outbox)).to.deep.equal([]);
      expect(await db('class_codes').count({ n: '*' }).first()).to.deep.include({ n: 0 });
    });
  });

  describe('CSRF', function () {
    const ownRoutes = () => [
      ...PUPIL_ACTIONS.map(([action, fields]) => ({
        path: `/beheer/leerlingen/${ids.ownTeen}/${action}`,
        fields,
      })),
      ...CLASS_ACTIONS.map((action) => ({
        path: `/beheer/klassen/${action}`,
        fields: { school: SCHOOL_A, klas: '3B' },
      })),
      { path: '/beheer/platformen', fields: { school: SCHOOL_A } },
      { path: '/beheer/afmelden', fields: {} },
    ];

    it('refuses every form without a token, with a wrong one, or with another session’s', async () => {
      const other = await consoleLogin(server.issuer, DEMO_ADMIN.username, DEMO_ADMIN.password);
      for (const { path, fields } of ownRoutes()) {
        for (const [label, token] of [
          ['no token', null],
          ['wrong token', 'x'.repeat(43)],
          ['another session’s token', other.csrf],
        ] as const) {
          const page = await console.post(path, { ...fields, _csrf: token });
          expect(page.status, `${path} with ${label}`).to.equal(403);
        }
      }
    });

    it('refuses a form from another origin even with the right token', async () => {
      const page = await console.post(
        `/beheer/leerlingen/${ids.ownTeen}/blokkeren`,
        {},
        { origin: 'https://evil.example' },
      );
      expect(page.status).to.equal(403);
    });

    it('changed nothing through the refused forms', async () => {
      const row = await db('accounts').where({ pupil_id: ids.ownTeen }).first();
      expect(row.password_hash).to.equal(null);
      expect(row.status).to.equal('active');
      expect(await server.app.services.links.findClientsOf(SCHOOL_A)).to.deep.equal(['platform-a']);
    });

    it('refuses the login form without its token', async () => {
      const response = await fetch(`${server.issuer}/beheer/aanmelden/demo`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(LOGIN).toString(),
        redirect: 'manual',
      });
      expect(response.status).to.equal(403);
      expect(response.headers.getSetCookie().join()).not.to.contain('leerid.admin=');
    });

    it('accepts the same form with the token', async () => {
      const page = await console.post(`/beheer/leerlingen/${ids.ownTeen}/wachtwoord`);
      expect(page.status).to.equal(200);
      expect(page.html).to.match(/id="password">[a-z]+[0-9]{2}</);
    });
  });

  describe('session', function () {
    it('sends a GET without a session to the login page and refuses a POST', async () => {
      const get = await fetch(`${server.issuer}/beheer/leerlingen/${ids.ownTeen}`, {
        redirect: 'manual',
      });
      expect(get.status).to.equal(303);
      expect(get.headers.get('location')).to.equal('/beheer/aanmelden');
      const post = await fetch(`${server.issuer}/beheer/leerlingen/${ids.ownTeen}/wachtwoord`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(post.status).to.equal(403);
    });

    it('sets an HttpOnly, SameSite=Lax cookie scoped to /beheer, and a new id per login', async () => {
      const first = await consoleLogin(server.issuer, DEMO_ADMIN.username, DEMO_ADMIN.password);
      const idOf = (b: ConsoleBrowser) =>
        (b.browser as unknown as { cookies: Map<string, Map<string, string>> }).cookies
          .get(new URL(server.issuer).host)
          ?.get('leerid.admin');
      const before = idOf(first);

      const login = await first.browser.open(`${server.issuer}/beheer/aanmelden`);
      expect(login.url).to.match(/\/beheer\/leerlingen$/); // already signed in
      const response = await fetch(`${server.issuer}/beheer/aanmelden`, { redirect: 'manual' });
      const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
      const loginCookie = response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      const again = await fetch(`${server.issuer}/beheer/aanmelden/demo`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `${loginCookie}; leerid.admin=${before}`,
        },
        body: new URLSearchParams({ ...LOGIN, _csrf: token }).toString(),
      });
      expect(again.status).to.equal(303);
      const setCookie = again.headers
        .getSetCookie()
        .find((c) => c.startsWith('leerid.admin=') && !c.startsWith('leerid.admin=;'));
      expect(setCookie).to.match(/httponly/i);
      expect(setCookie).to.match(/samesite=lax/i);
      expect(setCookie).to.match(/path=\/beheer/i);
      expect(setCookie).not.to.contain(`leerid.admin=${before};`);

      // The id from before the new login no longer opens a session.
      const old = await first.get(`/beheer/leerlingen/${ids.ownTeen}`);
      expect(old.url).to.match(/\/beheer\/aanmelden$/);
    });

    it('marks the cookie Secure behind an https issuer', async () => {
      const https = await startServer({
        db,
        clients: CLIENTS,
        demoAdmin: DEMO_ADMIN,
        config: {
          issuer: 'https://leerid.test',
          proxyHops: 1,
          keysDir: tempDir('keys'),
          mail: { outboxDir: tempDir('outbox') },
        },
      });
      try {
        const local = `http://127.0.0.1:${(https.server.address() as { port: number }).port}`;
        const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'leerid.test' };
        const page = await fetch(`${local}/beheer/aanmelden`, { headers: proxied });
        const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
        const loginCookie = page.headers.getSetCookie()[0] ?? '';
        expect(loginCookie).to.match(/secure/i);
        const response = await fetch(`${local}/beheer/aanmelden/demo`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            ...proxied,
            'content-type': 'application/x-www-form-urlencoded',
            cookie: loginCookie.split(';')[0] as string,
          },
          body: new URLSearchParams({ ...LOGIN, _csrf: token }).toString(),
        });
        expect(response.status).to.equal(303);
        const session = response.headers.getSetCookie().find((c) => c.startsWith('leerid.admin='));
        expect(session).to.match(/; secure/i);
      } finally {
        await https.close();
      }
    });
  });

  describe('privacy log', function () {
    it('records the administrator’s views and actions with the pupil and the fields', async () => {
      await console.get(`/beheer/leerlingen/${ids.ownTeen}`);
      await console.post(`/beheer/leerlingen/${ids.ownTeen}/wachtwoord-tonen`);
      await console.post(`/beheer/leerlingen/${ids.ownTeen}/blokkeren`);
      await server.app.services.privacyLog.flush();

      const rows = await db('privacy_log')
        .where({ pupil_id: ids.ownTeen, actor_type: 'admin' })
        .orderBy('at');
      const entries = rows.map((row) => ({ kind: row.kind, purpose: row.purpose }));
      expect(entries).to.deep.include({ kind: 'admin.view', purpose: 'pupil detail' });
      expect(entries).to.deep.include({ kind: 'admin.action', purpose: 'password.read' });
      expect(entries).to.deep.include({ kind: 'admin.view', purpose: 'password.read: shown' });
      expect(entries).to.deep.include({ kind: 'admin.action', purpose: 'account.block' });
      expect(rows.every((row) => row.actor === `demo:${DEMO_ADMIN.username}`)).to.equal(true);
      const shown = rows.find((row) => row.purpose === 'password.read: shown');
      expect(JSON.parse(shown.data).fields).to.include('password');
      expect(shown.data).not.to.match(/[a-z]+[0-9]{2}"/); // names of fields, never values

      const others = await db('privacy_log').whereIn('pupil_id', [
        ids.otherTeen,
        ids.otherNursery,
        ids.formerPupil,
      ]);
      expect(others.filter((row) => row.actor_type === 'admin')).to.deep.equal([]);
    });
  });
});
