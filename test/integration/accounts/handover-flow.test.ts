/**
 * The handover end to end: an administrator sends the e-mail, the pupil
 * follows the link and chooses a password, and then logs in to a platform
 * (openid-client) with it. The school no longer sees the password.
 */
import { expect } from 'chai';
import { LeerIdError } from '../../../src/errors/index.js';
import type { Db } from '../../../src/store/db.js';
import {
  adminOf,
  DAY,
  insertChild,
  linkIn,
  readOutbox,
  tempDir,
  TestClock,
} from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { UserAgent } from '../../helpers/user-agent.js';
import { CHILDREN, NOW, SCHOOL_A } from './accounts.config.js';
import { CLIENT_ID, CLIENT_SECRET, CLIENTS } from './flows.config.js';

const SCOPE = 'openid profile leerid';
const CHOSEN = 'mijn fiets is groen';

describe('handover through the OIDC flow', function () {
  let db: Db;
  let server: TestServer;
  let outbox: string;
  let pupilId: string;
  let username: string;
  let generated: string;
  const clock = new TestClock(NOW);
  const admin = adminOf(SCHOOL_A);

  before(async function () {
    db = await freshDb();
    pupilId = await insertChild(db, {
      ...CHILDREN.teen,
      enrolments: [{ institution: SCHOOL_A, kind: 'secundair', group: '2B' }],
    });
    outbox = tempDir('outbox');
    server = await startServer({
      db,
      clients: CLIENTS,
      clock: clock.clock,
      config: { keysDir: tempDir('keys'), mail: { outboxDir: outbox } },
    });
    const credential = await server.app.accounts.admin.createAccount(admin, pupilId);
    username = credential.username;
    generated = credential.password as string;
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  async function signIn(password: string) {
    const rp = await relyingParty(server.issuer, CLIENT_ID, CLIENT_SECRET);
    const { page, finish } = await rp.authorize(SCOPE);
    const landing = await login(rp.browser, page, username, password);
    return { landing, finish };
  }

  it('hands the account over and the pupil logs in with their own password', async function () {
    // Before: the school's generated password works.
    const before = await signIn(generated);
    expect((await before.finish(before.landing)).claims()?.sub).to.equal(pupilId);

    await server.app.accounts.admin.startHandover(admin, pupilId, 'ruben@example.org');
    const [mail] = readOutbox(outbox);
    expect(mail?.to).to.equal('ruben@example.org');
    expect(mail?.subject).to.equal('Neem je LeerID-account over');
    expect(mail?.text).to.contain('7 dagen');
    const link = linkIn(mail as NonNullable<typeof mail>);

    clock.advance(3 * DAY);
    const browser = new UserAgent('http://127.0.0.1:9/');
    const form = await browser.open(link);
    expect(form.status).to.equal(200);
    expect(form.html).to.contain('Je account overnemen');

    const weak = await browser.submit(form, '/account/overdracht/', {
      new_password: 'wachtwoord123',
      repeat_password: 'wachtwoord123',
    });
    expect(weak.status).to.equal(400);
    expect(weak.html).to.contain('te bekend');

    const done = await browser.submit(weak, '/account/overdracht/', {
      new_password: CHOSEN,
      repeat_password: CHOSEN,
    });
    expect(done.status).to.equal(200);
    expect(done.html).to.contain('Je beheert je account nu zelf');

    const again = await browser.open(link);
    expect(again.status).to.equal(410);

    const old = await signIn(generated);
    expect(old.landing.status).to.equal(401);

    const after = await signIn(CHOSEN);
    const tokens = await after.finish(after.landing);
    expect(tokens.claims()?.sub).to.equal(pupilId);

    const refusal = await server.app.accounts.admin
      .readSchoolPassword(admin, pupilId)
      .catch((error: LeerIdError) => error.code);
    expect(refusal).to.equal('account.no_password_copy');
  });

  it('answers the forgotten-password page alike for known and unknown accounts', async function () {
    const browser = new UserAgent('http://127.0.0.1:9/');
    const page = await browser.open(`${server.issuer}/account/wachtwoord-vergeten`);
    const known = await browser.submit(page, '/wachtwoord-vergeten', { identifier: username });
    const unknown = await browser.submit(page, '/wachtwoord-vergeten', {
      identifier: 'niemand.onbekend',
    });
    expect(known.status).to.equal(unknown.status);
    expect(known.html).to.equal(unknown.html);

    await server.app.accounts.self.drain();
    const resets = readOutbox(outbox).filter((m) => m.subject.includes('nieuw LeerID-wachtwoord'));
    expect(resets).to.have.length(1);

    const reset = await browser.open(linkIn(resets[0] as (typeof resets)[number]));
    const done = await browser.submit(reset, '/account/nieuw-wachtwoord/', {
      new_password: 'een heel nieuwe zin',
      repeat_password: 'een heel nieuwe zin',
    });
    expect(done.html).to.contain('Je nieuwe wachtwoord is ingesteld');
  });

  it('speaks English on request', async function () {
    const browser = new UserAgent('http://127.0.0.1:9/');
    const page = await browser.open(`${server.issuer}/account/wachtwoord-vergeten?lang=en`);
    expect(page.html).to.contain('<html lang="en">');
    expect(page.html).to.contain('Forgot your password');
  });

  it('tells a pupil of a school-managed account to ask the administrator', async function () {
    const other = await insertChild(db, {
      ...CHILDREN.teen,
      givenName: 'Jonas',
      enrolments: [{ institution: SCHOOL_A, kind: 'secundair', group: '2B' }],
    });
    const credential = await server.app.accounts.admin.createAccount(admin, other);
    const browser = new UserAgent('http://127.0.0.1:9/');
    const page = await browser.open(`${server.issuer}/account/wachtwoord`);
    const answer = await browser.submit(page, '/account/wachtwoord', {
      username: credential.username,
      password: credential.password as string,
      new_password: 'een eigen lange zin',
      repeat_password: 'een eigen lange zin',
    });
    expect(answer.status).to.equal(409);
    expect(answer.html).to.contain('Vraag je LeerID-beheerder');
  });

  it('makes the login page wait after repeated wrong passwords', async function () {
    let last = await signIn('fout');
    for (let i = 0; i < 5; i += 1) last = await signIn('fout');
    expect(last.landing.status).to.equal(429);
    expect(last.landing.html).to.contain('Te veel mislukte pogingen');
  });
});
