/**
 * Signing in to the admin console through ACM, against a real SAML IdP
 * (SimpleSAMLphp): the console starts the upstream login without an OIDC
 * interaction, the role attribute decides the schools, a person without the
 * role is refused, and a login id cannot be finished in another browser.
 */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { insertChild, tempDir } from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import {
  loginAtIdp,
  requireSimpleSamlPhp,
  startSimpleSamlPhp,
  type SimpleSamlPhp,
} from '../../helpers/simplesamlphp.js';
import { testKeyPair } from '../../helpers/test-certs.js';
import { UserAgent } from '../../helpers/user-agent.js';
import { CLIENTS, PUPILS, SCHOOL_A } from './admin.config.js';

const PASSWORD = 'acm-test-password';

describe('admin console login through ACM (SimpleSAMLphp)', function () {
  this.timeout(60_000);
  let db: Db;
  let idp: SimpleSamlPhp;
  let server: TestServer;

  before(async function () {
    requireSimpleSamlPhp(this);
    db = await freshDb();
    await insertChild(db, PUPILS.ownTeen);
    await insertChild(db, PUPILS.otherTeen);

    const idpKeys = testKeyPair('simplesamlphp-idp');
    const user = (username: string, attributes: Record<string, string[]>) => ({
      username,
      password: PASSWORD,
      attributes: { uid: [username], ...attributes },
    });
    idp = await startSimpleSamlPhp({
      users: [
        user('beheerder', { rol: [`LeerIDBeheerder:${SCHOOL_A}`, 'AndereToepassing:999'] }),
        user('leerkracht', { rol: ['AndereToepassing:999'] }),
      ],
      idpKeyFile: idpKeys.keyFile,
      idpCertFile: idpKeys.certFile,
    });
    const spKeys = testKeyPair('leerid-sp');
    server = await startServer({
      db,
      clients: CLIENTS,
      config: {
        keysDir: tempDir('keys'),
        mail: { outboxDir: tempDir('outbox') },
        upstream: {
          saml: {
            idpMetadataUrl: idp.metadataUrl,
            spKeyFile: spKeys.keyFile,
            spCertFile: spKeys.certFile,
          },
        },
      },
    });
    idp.registerSp(await (await fetch(`${server.issuer}/upstream/saml/metadata`)).text());
  });

  after(async function () {
    await server?.close();
    await idp?.stop();
    await db?.destroy();
  });

  async function startAtConsole(browser: UserAgent) {
    const login = await browser.open(`${server.issuer}/beheer/aanmelden`);
    expect(login.html).to.contain('href="/upstream/saml/console"');
    const idpLogin = await browser.open(`${server.issuer}/upstream/saml/console`);
    expect(idpLogin.url.startsWith(idp.baseUrl), idpLogin.html.slice(0, 500)).to.equal(true);
    return idpLogin;
  }

  it('signs a LeerID-beheerder in with the schools of the role attribute', async () => {
    const browser = new UserAgent('http://127.0.0.1:9/never');
    const landing = await loginAtIdp(browser, await startAtConsole(browser), 'beheerder', PASSWORD);
    expect(landing.url, idp.log()).to.equal(`${server.issuer}/beheer/leerlingen`);
    expect(landing.html).to.contain(`Scholen: ${SCHOOL_A}`);
    expect(landing.html).to.contain('Janssens');
    expect(landing.html).not.to.contain('Verborgen');
  });

  it('refuses a person without the role', async () => {
    const browser = new UserAgent('http://127.0.0.1:9/never');
    const landing = await loginAtIdp(
      browser,
      await startAtConsole(browser),
      'leerkracht',
      PASSWORD,
    );
    expect(landing.status).to.equal(403);
    expect(landing.html).to.contain('geen enkele school LeerID-beheerder');
    const list = await browser.open(`${server.issuer}/beheer/leerlingen`);
    expect(list.url).to.equal(`${server.issuer}/beheer/aanmelden`);
  });

  it('does not finish a console login in a browser that did not start it', async () => {
    const starter = new UserAgent(`${server.issuer}/upstream/finish/`);
    // Stops at the finish URL, as an attacker would capture it.
    const finish = await loginAtIdp(starter, await startAtConsole(starter), 'beheerder', PASSWORD);
    expect(finish.url.startsWith(`${server.issuer}/upstream/finish/console.`)).to.equal(true);

    const victim = new UserAgent('http://127.0.0.1:9/never');
    const page = await victim.open(finish.url);
    expect(page.status).to.equal(400);
    const list = await victim.open(`${server.issuer}/beheer/leerlingen`);
    expect(list.url).to.equal(`${server.issuer}/beheer/aanmelden`);
  });
});
