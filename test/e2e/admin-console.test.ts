/**
 * The admin console and the pupil pages in a real browser (headless
 * Chromium through playwright-core): a school administrator signs in (the
 * demo administrator), searches, generates a class's passwords, downloads
 * the login letters (one PDF page per pupil), chooses the school's
 * platforms and prints a nursery class's picture cards; a nursery child
 * signs in with a picture on the class device; a teen takes the account
 * over from the e-mailed link and changes the password; the pupil's privacy
 * overview lists it all. Every page gets an axe-core check (serious and
 * critical violations fail) and a screenshot in test-artifacts/admin-console/.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import * as oidc from 'openid-client';
import { PDFDocument } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Db } from '../../src/store/db.js';
import { insertChild, linkIn, readOutbox, tempDir } from '../helpers/accounts.js';
import { launchChromium, pageChecks, requireChromium, CHROMEBOOK } from '../helpers/browser.js';
import { freshDb } from '../helpers/db.js';
import { startServer, type TestServer } from '../helpers/server.js';
import {
  CLIENTS,
  DEMO_ADMIN,
  PUPILS,
  REDIRECT_URI,
  SCHOOL_A,
  SCHOOL_B,
} from './admin-console.config.js';

const NEW_PASSWORD = 'zonnige fietstocht langs de schelde';
const CHANGED_PASSWORD = 'regen op het dak van de turnzaal';

describe('admin console and pupil pages in Chromium', function () {
  this.timeout(180_000);

  let db: Db;
  let server: TestServer;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let outbox: string;
  const ids = {} as Record<keyof typeof PUPILS, string>;
  const check = pageChecks('admin-console');

  before(async function () {
    requireChromium(this);
    db = await freshDb();
    for (const [name, spec] of Object.entries(PUPILS)) {
      ids[name as keyof typeof PUPILS] = await insertChild(db, spec);
    }
    await db('institutions').insert([
      { institution_number: SCHOOL_A, name: 'Testschool De Linde' },
      { institution_number: SCHOOL_B, name: 'Testschool Het Anker' },
    ]);

    outbox = tempDir('outbox');
    server = await startServer({
      db,
      clients: CLIENTS,
      demoAdmin: DEMO_ADMIN,
      config: { keysDir: tempDir('keys'), mail: { outboxDir: outbox } },
    });
    browser = await launchChromium();
    admin = await browser.newContext({ ...CHROMEBOOK, acceptDownloads: true });
    page = await admin.newPage();
    // Fail fast: one missing element should not cost the suite minutes.
    admin.setDefaultTimeout(10_000);
  });

  after(async function () {
    await browser?.close();
    await server?.close();
    await db?.destroy();
  });

  const url = (path: string) => `${server.issuer}${path}`;
  const username = async (pupilId: string) =>
    (await db('accounts').where({ pupil_id: pupilId }).first()).username as string;

  async function download(trigger: () => Promise<void>): Promise<Buffer> {
    const [file] = await Promise.all([page.waitForEvent('download'), trigger()]);
    return readFileSync((await file.path()) as string);
  }

  it('signs the administrator in (demo administrator) with a fresh HttpOnly session', async () => {
    await page.goto(url('/beheer'));
    expect(new URL(page.url()).pathname).to.equal('/beheer/aanmelden');
    await check(page, 'login');

    await page.getByLabel('Gebruikersnaam').fill(DEMO_ADMIN.username);
    await page.getByLabel('Wachtwoord').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForURL(/\/beheer\/leerlingen$/);

    const cookie = (await admin.cookies()).find((c) => c.name === 'leerid.admin');
    expect(cookie?.httpOnly).to.equal(true);
    expect(cookie?.sameSite).to.equal('Lax');
    expect(cookie?.path).to.equal('/beheer');
    expect(await page.locator('#count').textContent()).to.contain('6 leerlingen');
    expect(await page.content()).not.to.contain('Anders');
    await check(page, 'pupils');
  });

  it('searches by name, class and account state', async () => {
    await page.getByLabel('Zoeken op naam of stamnummer').fill('janss');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.waitForURL(/q=janss/);
    expect(await page.locator('tbody tr').count()).to.equal(1);
    expect(await page.locator('tbody').textContent()).to.contain('Janssens, Amber');
    await check(page, 'search-name');

    await page.getByLabel('Zoeken op naam of stamnummer').fill('');
    await page.getByLabel('Klas').selectOption('5A');
    await page.getByLabel('Accountstatus').selectOption('none');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.waitForURL(/klas=5A/);
    expect(await page.locator('tbody tr').count()).to.equal(3);
    expect(await page.content()).not.to.contain('Anders');
    await check(page, 'search-class');

    await page.getByRole('link', { name: 'Maes, Bas' }).click();
    await page.waitForURL(/\/beheer\/leerlingen\/[0-9a-f-]{36}$/);
    expect(await page.locator('h1').textContent()).to.equal('Bas Maes');
    await check(page, 'pupil');
  });

  it('generates a class’s passwords and downloads its login letters, one page per pupil', async () => {
    await page.getByRole('link', { name: 'Klassen' }).click();
    await check(page, 'classes');

    await page.getByRole('button', { name: 'Wachtwoorden genereren: 5A' }).click();
    await page.waitForURL(/\/beheer\/klassen\/wachtwoorden$/);
    const passwords = await page.locator('td.password').allTextContents();
    expect(passwords).to.have.length(3);
    for (const password of passwords) expect(password).to.match(/^[a-z]+[0-9]{2}$/);
    await check(page, 'class-passwords');

    const pdf = await download(() =>
      page.getByRole('button', { name: 'Aanmeldbrieven (PDF)' }).click(),
    );
    const letters = await PDFDocument.load(pdf);
    expect(letters.getPageCount()).to.equal(3);
    expect(letters.getTitle()).to.equal('Je LeerID-aanmelding');
  });

  it('chooses the school’s platforms, and the login rule follows the choice', async () => {
    await page.getByRole('link', { name: 'Platformen' }).click();
    await check(page, 'platforms');
    expect(await page.getByLabel('Platform A').isChecked()).to.equal(true);
    expect(await page.getByLabel('Platform B').isChecked()).to.equal(false);

    await page.getByLabel('Platform A').uncheck();
    await page.getByLabel('Platform B').check();
    await page.getByRole('button', { name: 'Bewaren' }).click();
    await page.waitForURL(/bewaard=1/);
    await check(page, 'platforms-saved');

    const { access, today } = server.app.services;
    const decide = (client: string) => access.decide(ids.amber, client, today());
    expect(await decide('platform-a')).to.deep.include({ allowed: false });
    expect(await decide('platform-b')).to.deep.include({ allowed: true });
    // School B's link to platform A is school B's business.
    expect((await access.decide(ids.bert, 'platform-a', today())).allowed).to.equal(true);

    // Back to platform A for the logins below.
    await page.getByLabel('Platform A').check();
    await page.getByRole('button', { name: 'Bewaren' }).click();
    await page.waitForURL(/bewaard=1/);
  });

  it('prints a nursery class’s picture cards: the class page, then one card per child', async () => {
    await page.getByRole('link', { name: 'Klassen' }).click();
    const pdf = await download(() =>
      page.getByRole('button', { name: 'Prentkaarten (PDF): K2' }).click(),
    );
    expect((await PDFDocument.load(pdf)).getPageCount()).to.equal(1 + 2);
    const lotte = await db('accounts').where({ pupil_id: ids.lotte }).first();
    expect(lotte.picture).to.be.a('string');
  });

  it('lets a nursery child sign in with a picture on the class device', async () => {
    const { code, url: classUrl } = await server.app.accounts.classPages.issueClassCode(
      { adminId: 'test', institutions: [SCHOOL_A] },
      SCHOOL_A,
      'K2',
    );
    expect(code).to.have.length(8);
    const device = await browser.newContext(CHROMEBOOK);
    const child = await device.newPage();
    await child.goto(classUrl);
    await check(child, 'class-device-opened');

    const rp = await authorization('platform-a');
    const callback = waitForCallback(child);
    await child.goto(rp.url);
    await check(child, 'class-grid');
    await child.getByRole('link', { name: 'Lotte B.' }).click();
    await check(child, 'pictures');

    const picture = (await db('accounts').where({ pupil_id: ids.lotte }).first()).picture;
    const names = await import('../../src/accounts/pictures.js');
    const name = names.pictureById(picture)?.nl as string;
    await child.getByRole('button', { name, exact: true }).click();
    const tokens = await rp.finish(await callback);
    expect(tokens.claims()?.sub).to.equal(ids.lotte);
    await device.close();
  });

  it('hands a teen’s account over by e-mail; the pupil takes it over from the link', async () => {
    await page.goto(url(`/beheer/leerlingen/${ids.ruben}`));
    await page.getByLabel('E-mailadres van de leerling').fill('ruben@example.org');
    await page.getByRole('button', { name: 'Account overdragen aan de leerling' }).click();
    await page.waitForURL(/gedaan=handover/);
    await check(page, 'handover-sent');

    const mail = readOutbox(outbox).find((m) => m.to === 'ruben@example.org');
    expect(mail, 'handover e-mail in the outbox').not.to.equal(undefined);
    const pupil = await (await browser.newContext(CHROMEBOOK)).newPage();
    await pupil.goto(linkIn(mail as NonNullable<typeof mail>));
    await check(pupil, 'handover-form');
    await pupil.getByLabel('Nieuw wachtwoord', { exact: true }).fill(NEW_PASSWORD);
    await pupil.getByLabel('Herhaal het nieuwe wachtwoord').fill(NEW_PASSWORD);
    await pupil.getByRole('button', { name: 'Bewaren' }).click();
    expect(await pupil.locator('#message').textContent()).to.contain('zelf');
    await check(pupil, 'handover-done');
    await pupil.context().close();
  });

  it('lets the pupil change the password, after which the school cannot see it', async () => {
    const pupil = await (await browser.newContext(CHROMEBOOK)).newPage();
    await pupil.goto(url('/account'));
    await check(pupil, 'account');
    await pupil.getByRole('link', { name: 'Wachtwoord wijzigen' }).click();
    await pupil.getByLabel('Gebruikersnaam').fill(await username(ids.ruben));
    await pupil.getByLabel('Huidig wachtwoord').fill(NEW_PASSWORD);
    await pupil.getByLabel('Nieuw wachtwoord', { exact: true }).fill(CHANGED_PASSWORD);
    await pupil.getByLabel('Herhaal het nieuwe wachtwoord').fill(CHANGED_PASSWORD);
    await pupil.getByRole('button', { name: 'Bewaren' }).click();
    expect(await pupil.locator('#message').textContent()).to.equal('Je wachtwoord is gewijzigd.');
    await check(pupil, 'password-changed');
    await pupil.context().close();

    await page.goto(url(`/beheer/leerlingen/${ids.ruben}`));
    expect(await page.content()).to.contain('Gekozen door de leerling');
    expect(await page.getByRole('button', { name: 'Wachtwoord tonen' }).count()).to.equal(0);
  });

  it('shows the pupil which platforms received which data, and what the school did', async () => {
    // Ruben signs in at platform A first: an ID token disclosure.
    const context = await browser.newContext(CHROMEBOOK);
    const pupil = await context.newPage();
    const rp = await authorization('platform-a');
    const callback = waitForCallback(pupil);
    await pupil.goto(rp.url);
    await check(pupil, 'platform-login');
    await pupil.getByLabel('Gebruikersnaam').fill(await username(ids.ruben));
    await pupil.getByLabel('Wachtwoord').fill(CHANGED_PASSWORD);
    await pupil.getByRole('button', { name: 'Aanmelden' }).click();
    await rp.finish(await callback);
    await pupil.waitForURL(`${REDIRECT_URI}**`);

    await pupil.goto(url('/account'));
    await pupil.getByRole('link', { name: 'Waar gingen mijn gegevens naartoe?' }).click();
    await pupil.getByLabel('Gebruikersnaam').fill(await username(ids.ruben));
    await pupil.getByLabel('Huidig wachtwoord').fill(CHANGED_PASSWORD);
    await pupil.getByRole('button', { name: 'Toon mijn overzicht' }).click();
    await pupil.waitForSelector('h2#platforms');
    const platforms = await pupil.locator('table[aria-labelledby=platforms]').textContent();
    expect(platforms).to.contain('Platform A');
    expect(platforms).to.contain('je school en klas');
    const school = await pupil.locator('table[aria-labelledby=school]').textContent();
    expect(school).to.contain('overdracht naar jou gestart');
    await check(pupil, 'privacy-overview');
    await context.close();
  });

  it('speaks English from the message files', async () => {
    await page.goto(url('/beheer/leerlingen?lang=en'));
    expect(await page.locator('h1').textContent()).to.equal('Pupils');
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await check(page, 'pupils-en');
    await page.goto(url('/beheer/klassen'));
    expect(await page.locator('h1').textContent()).to.equal('Classes');
    await page.goto(url('/beheer/leerlingen?lang=nl'));
  });

  it('signs out: the session is gone', async () => {
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.waitForURL(/afgemeld=1/);
    await check(page, 'logged-out');
    await page.goto(url('/beheer/leerlingen'));
    expect(new URL(page.url()).pathname).to.equal('/beheer/aanmelden');
  });

  /** An authorization request of a real relying party (openid-client, PKCE). */
  async function authorization(clientId: string) {
    const client = CLIENTS.find((c) => c.client_id === clientId) as (typeof CLIENTS)[number];
    const config = await oidc.discovery(
      new URL(server.issuer),
      clientId,
      client.client_secret,
      oidc.ClientSecretBasic(client.client_secret as string),
      { execute: [oidc.allowInsecureRequests] },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile leerid',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return {
      url: authUrl.toString(),
      finish: (callback: string) =>
        oidc.authorizationCodeGrant(config, new URL(callback), {
          pkceCodeVerifier: verifier,
          expectedState: state,
        }),
    };
  }
});

/** Nothing listens at the platform's redirect URI: the browser's request is answered here. */
function waitForCallback(page: Page): Promise<string> {
  return new Promise((resolve) => {
    void page.route(`${REDIRECT_URI}**`, async (route) => {
      resolve(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'ok' });
    });
  });
}
