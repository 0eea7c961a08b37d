/**
 * The picture login end to end: a school issues a class code, a teacher opens
 * the class page on a device, a platform (openid-client) sends the child to
 * LeerID, the child taps their name and picks their picture, and the
 * platform gets an ID token for that child.
 */
import { expect } from 'chai';
import type { ClassCodeIssued } from '../../../src/accounts/class-pages.js';
import type { Db } from '../../../src/store/db.js';
import { adminOf, insertChild, tempDir, TestClock } from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import type { Page } from '../../helpers/user-agent.js';
import { CHILDREN, NOW, SCHOOL_A } from './accounts.config.js';
import { CLIENT_ID, CLIENT_SECRET, CLIENTS } from './flows.config.js';

const SCOPE = 'openid profile leerid';

function tileHref(page: Page, label: string): string {
  const match = new RegExp(`<a class="tile" href="([^"]+)">${label}</a>`).exec(page.html);
  if (!match) throw new Error(`no tile "${label}" on ${page.url}`);
  return new URL((match[1] as string).replaceAll('&amp;', '&'), page.url).toString();
}

function pictureIds(page: Page): string[] {
  return [...page.html.matchAll(/name="picture" value="([^"]+)"/g)].map((m) => m[1] as string);
}

describe('picture login through the OIDC flow', function () {
  let db: Db;
  let server: TestServer;
  let classCode: ClassCodeIssued;
  const clock = new TestClock(NOW);
  const admin = adminOf(SCHOOL_A);
  const ids = { lotte: '', bram: '', mats: '' };
  const secrets: Record<string, string> = {};

  before(async function () {
    db = await freshDb();
    ids.lotte = await insertChild(db, CHILDREN.nursery);
    ids.bram = await insertChild(db, {
      ...CHILDREN.nursery,
      givenName: 'Bram',
      familyName: 'De Smet',
    });
    // A primary pupil in the same group: no picture login for them.
    ids.mats = await insertChild(db, {
      ...CHILDREN.primary,
      enrolments: [{ institution: SCHOOL_A, kind: 'lager', group: 'K2A' }],
    });

    server = await startServer({
      db,
      clients: CLIENTS,
      clock: clock.clock,
      config: { keysDir: tempDir('keys'), mail: { outboxDir: tempDir('outbox') } },
    });
    const { admin: service, classPages } = server.app.accounts;
    for (const [name, id] of Object.entries(ids)) {
      const credential = await service.createAccount(admin, id);
      secrets[name] = credential.picture?.id ?? '';
    }
    classCode = await classPages.issueClassCode(admin, SCHOOL_A, 'K2A');
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  async function classDevice() {
    const rp = await relyingParty(server.issuer, CLIENT_ID, CLIENT_SECRET);
    const opened = await rp.browser.open(classCode.url);
    expect(opened.status).to.equal(200);
    expect(opened.html).to.contain('Klas K2A is geopend op dit toestel');
    return rp;
  }

  it('issues a printable class code with a QR code of its address', function () {
    expect(classCode.code).to.match(/^[A-Z2-9]{8}$/);
    expect(classCode.url).to.equal(`${server.issuer}/klas/${classCode.code}`);
    expect(classCode.qrSvg).to.match(/^<svg/);
  });

  it('logs a child in who picks their own picture', async function () {
    const rp = await classDevice();
    const { page, finish } = await rp.authorize(SCOPE);
    expect(page.html).to.contain('Wie ben jij?');
    expect(page.html).to.contain('Lotte B.');
    expect(page.html).to.contain('Bram S.');
    expect(page.html).not.to.contain('Mats');

    const pictures = await rp.browser.open(tileHref(page, 'Lotte B.'));
    expect(pictures.html).to.contain('Dag Lotte! Kies jouw prentje.');
    const grid = pictureIds(pictures);
    expect(grid).to.have.length(9);
    expect(grid).to.include(secrets.lotte);

    const wrong = grid.find((id) => id !== secrets.lotte) as string;
    const refused = await rp.browser.submit(pictures, '/prentje/', { picture: wrong });
    expect(refused.status).to.equal(401);
    expect(refused.html).to.contain('Dat is niet jouw prentje');

    const landing = await rp.browser.submit(refused, '/prentje/', {
      picture: secrets.lotte as string,
    });
    const tokens = await finish(landing);
    const claims = tokens.claims();
    expect(claims?.sub).to.equal(ids.lotte);
    expect(claims?.given_name).to.equal('Lotte');
  });

  it('shows the same nine pictures on every visit', async function () {
    const rp = await classDevice();
    const first = await rp.authorize(SCOPE);
    const a = pictureIds(await rp.browser.open(tileHref(first.page, 'Bram S.')));
    const b = pictureIds(await rp.browser.open(tileHref(first.page, 'Bram S.')));
    expect(a).to.deep.equal(b);
  });

  it('asks again on a class device: the next child is someone else', async function () {
    const rp = await classDevice();
    const first = await rp.authorize(SCOPE);
    const pictures = await rp.browser.open(tileHref(first.page, 'Bram S.'));
    await first.finish(
      await rp.browser.submit(pictures, '/prentje/', { picture: secrets.bram as string }),
    );

    const second = await rp.authorize(SCOPE);
    expect(second.page.status).to.equal(200);
    expect(second.page.html).to.contain('Wie ben jij?');
  });

  it('offers no pictures without a class page opened by the school', async function () {
    const rp = await relyingParty(server.issuer, CLIENT_ID, CLIENT_SECRET);
    const { page } = await rp.authorize(SCOPE);
    expect(page.html).to.contain('Aanmelden bij LeerID');
    expect(page.html).not.to.contain('Wie ben jij?');

    const uid = new URL(page.url).pathname.split('/').pop();
    const direct = await rp.browser.open(
      `${server.issuer}/interaction/${uid}/prentje/${ids.lotte}`,
    );
    expect(direct.html).to.contain('Aanmelden bij LeerID');
    expect(direct.html).not.to.contain('prentje');
  });

  it('refuses a wrong class code and a revoked one', async function () {
    const rp = await relyingParty(server.issuer, CLIENT_ID, CLIENT_SECRET);
    const wrong = await rp.browser.open(`${server.issuer}/klas/AAAAAAAA`);
    expect(wrong.status).to.equal(404);

    const extra = await server.app.accounts.classPages.issueClassCode(admin, SCHOOL_A, '3A');
    await server.app.accounts.classPages.revokeClassCodes(admin, SCHOOL_A, '3A');
    expect((await rp.browser.open(extra.url)).status).to.equal(404);
  });

  it('locks a child after repeated wrong pictures, also for the right one', async function () {
    const rp = await classDevice();
    const { page } = await rp.authorize(SCOPE);
    let pictures = await rp.browser.open(tileHref(page, 'Bram S.'));
    const wrong = pictureIds(pictures).find((id) => id !== secrets.bram) as string;
    for (let i = 0; i < 5; i += 1) {
      pictures = await rp.browser.submit(pictures, '/prentje/', { picture: wrong });
      clock.advance(60_000);
    }
    const locked = await rp.browser.submit(pictures, '/prentje/', {
      picture: secrets.bram as string,
    });
    expect(locked.status).to.equal(429);
    expect(locked.html).to.contain('Te veel mislukte pogingen');

    clock.advance(30 * 60_000);
    const landing = await rp.browser.submit(locked, '/prentje/', {
      picture: secrets.bram as string,
    });
    expect(landing.status).to.equal(302);
  });

  it('keeps the ordinary password login for a primary pupil', async function () {
    const credential = await server.app.accounts.admin.generatePassword(admin, ids.mats);
    const rp = await classDevice();
    const { page, finish } = await rp.authorize(SCOPE);
    const form = await rp.browser.open(`${page.url}?wachtwoord=1`);
    const landing = await login(
      rp.browser,
      form,
      credential.username,
      credential.password as string,
    );
    expect((await finish(landing)).claims()?.sub).to.equal(ids.mats);
  });
});
