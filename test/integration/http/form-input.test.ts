/**
 * Form bodies on LeerID's own pages (src/http/forms.ts): a body past the
 * 16 KiB cap gets a 413 page, a field with a control character a 400 page.
 * Neither is a 500 (PostgreSQL refuses NUL in text), and the refused value
 * never reaches a log line.
 */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { captureLog, type CapturedLog } from '../../helpers/log-capture.js';
import { relyingParty } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import type { Page } from '../../helpers/user-agent.js';
import { CLIENTS, NOW, PASSWORD, PUPILS } from '../oidc/login-flow.config.js';

/** Stands in for a value that must not be logged; easy to search for. */
const MARKER = 'marker-of-a-refused-value';

describe('form input on our own pages', function () {
  let db: Db;
  let server: TestServer;
  let log: CapturedLog;

  before(async function () {
    db = await freshDb();
    await insertPupil(db, PUPILS.twoSchools);
    log = captureLog();
    server = await startServer({ db, clients: CLIENTS, clock: () => NOW, logger: log.logger });
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  async function loginPage() {
    const secret = CLIENTS.find((c) => c.client_id === 'platform-a')?.client_secret;
    const rp = await relyingParty(server.issuer, 'platform-a', secret);
    const { page } = await rp.authorize('openid');
    return { browser: rp.browser, page };
  }

  async function postLogin(fields: Record<string, string>): Promise<Page> {
    const { browser, page } = await loginPage();
    return browser.submit(page, '/login', fields);
  }

  async function postAccountForm(path: string, fields: Record<string, string>) {
    const response = await fetch(`${server.issuer}/account/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    return { status: response.status, html: await response.text() };
  }

  function errorLines() {
    return log.lines.filter((line) => Number(line.level) >= 50);
  }

  describe('control characters', function () {
    before(function () {
      log.lines.length = 0;
    });

    it('refuses a NUL in the login form with a 400 page', async function () {
      const page = await postLogin({ username: `${MARKER}\u0000`, password: PASSWORD });
      expect(page.status).to.equal(400);
      expect(page.html).to.contain('form.control_character');
      expect(page.html).not.to.contain(MARKER);
    });

    it('refuses a NUL in the self-service forms with a 400 page', async function () {
      const answers = [
        await postAccountForm('wachtwoord-vergeten', { identifier: `${MARKER}\u0000@example.org` }),
        await postAccountForm('wachtwoord', {
          username: `${MARKER}\u0000`,
          password: 'x',
          new_password: 'Qwerty-Lang-Genoeg-1',
          repeat_password: 'Qwerty-Lang-Genoeg-1',
        }),
      ];
      for (const { status, html } of answers) {
        expect(status).to.equal(400);
        expect(html).to.contain('form.control_character');
      }
    });

    it('refuses other control characters, in a value or a field name', async function () {
      const forms: Record<string, string>[] = [
        { username: `${MARKER}\u0001`, password: PASSWORD },
        { username: PUPILS.twoSchools.username, password: `${MARKER}\u001b[2J` },
        { username: PUPILS.twoSchools.username, password: PASSWORD, [`x\u0000`]: '' },
      ];
      for (const fields of forms) {
        const page = await postLogin(fields);
        expect(page.status).to.equal(400);
      }
    });

    it('lets tab and line ends through to the ordinary answer', async function () {
      const page = await postLogin({ username: PUPILS.twoSchools.username, password: 'a\tb\r\nc' });
      expect(page.status).to.equal(401);
    });

    it('logs no refused value and nothing at error level', function () {
      expect(JSON.stringify(log.lines)).not.to.contain(MARKER);
      expect(errorLines()).to.deep.equal([]);
    });
  });

  describe('size', function () {
    before(function () {
      log.lines.length = 0;
    });

    it('refuses a login form over 16 KiB with a 413 page', async function () {
      const page = await postLogin({ username: 'x', password: 'y'.repeat(20 * 1024) });
      expect(page.status).to.equal(413);
      expect(page.html).to.contain('form.too_large');
    });

    it('refuses a self-service form over 16 KiB with a 413 page', async function () {
      const { status, html } = await postAccountForm('wachtwoord-vergeten', {
        identifier: 'z'.repeat(20 * 1024),
      });
      expect(status).to.equal(413);
      expect(html).to.contain('form.too_large');
    });

    it('still takes a form just under the cap', async function () {
      const page = await postLogin({ username: 'x', password: 'y'.repeat(15 * 1024) });
      expect(page.status).to.equal(401);
    });

    it('logs nothing at error level', function () {
      expect(errorLines()).to.deep.equal([]);
    });
  });
});
