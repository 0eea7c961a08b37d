/**
 * Login through ACM end to end against a real SAML IdP: SimpleSAMLphp from
 * Debian's package, on php's built-in server, with test users carrying ACM's
 * attributes. A relying party (openid-client) authorizes at LeerID, the
 * pupil presses "Aanmelden via ACM", logs in at the IdP, and the platform
 * gets an enriched ID token filtered for it (or access_denied).
 */
import { expect } from 'chai';
import * as oidc from 'openid-client';
import type { Db } from '../../../src/store/db.js';
import { storedUpstreamState } from '../../helpers/upstream-state.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { captureLog, type CapturedLog } from '../../helpers/log-capture.js';
import { relyingParty, REDIRECT_URI } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import {
  followSamlPost,
  loginAtIdp,
  requireSimpleSamlPhp,
  startSimpleSamlPhp,
  type IdpUser,
  type SimpleSamlPhp,
} from '../../helpers/simplesamlphp.js';
import { testKeyPair } from '../../helpers/test-certs.js';
import {
  ADMIN_ROLE,
  CLIENTS,
  PUPILS,
  SCHOOL_A,
  secretOf,
  UNKNOWN_INSZ,
} from './upstream.config.js';

const PASSWORD = 'acm-test-password';

describe('login through ACM (SimpleSAMLphp as the IdP)', function () {
  let db: Db;
  let idp: SimpleSamlPhp;
  let server: TestServer;
  let log: CapturedLog;
  const ids = { byUuid: '', byInsz: '' };

  before(async function () {
    requireSimpleSamlPhp(this);
    db = await freshDb();
    ids.byUuid = await insertPupil(db, PUPILS.byUuid);
    ids.byInsz = await insertPupil(db, PUPILS.byInsz);

    const idpKeys = testKeyPair('simplesamlphp-idp');
    idp = await startSimpleSamlPhp({
      users: idpUsers(),
      idpKeyFile: idpKeys.keyFile,
      idpCertFile: idpKeys.certFile,
    });

    const spKeys = testKeyPair('leerid-sp');
    log = captureLog();
    server = await startServer({
      db,
      clients: CLIENTS,
      logger: log.logger,
      config: {
        upstream: {
          saml: {
            idpMetadataUrl: idp.metadataUrl,
            spKeyFile: spKeys.keyFile,
            spCertFile: spKeys.certFile,
          },
        },
      },
    });
    idp.registerSp(await spMetadata());
  });

  after(async function () {
    await server?.close();
    await idp?.stop();
    await db?.destroy();
  });

  function idpUsers(): IdpUser[] {
    const user = (username: string, attributes: Record<string, string[]>) => ({
      username,
      password: PASSWORD,
      attributes: { uid: [username], ...attributes },
    });
    return [
      // ACM knows this pupil's LeerID UUID; the INSZ is deliberately another's.
      user('lotte', { leerid_uuid: [ids.byUuid], rrn: [UNKNOWN_INSZ] }),
      // Only the INSZ, in its printed form.
      user('milan', { rrn: ['12.05.04-001.01'] }),
      user('onbekend', { rrn: [UNKNOWN_INSZ] }),
      user('beheerder', { rrn: [UNKNOWN_INSZ], rol: [ADMIN_ROLE, 'AndereToepassing:999'] }),
    ];
  }

  async function spMetadata() {
    return (await fetch(`${server.issuer}/upstream/saml/metadata`)).text();
  }

  /** Authorize at LeerID, choose ACM, log in at the IdP: back at LeerID's answer. */
  async function signInThroughAcm(
    username: string,
    scope = 'openid profile leerid',
    onResponse?: (xml: string) => void,
  ) {
    const rp = await relyingParty(server.issuer, 'platform-a', secretOf('platform-a'));
    const { page, finish } = await rp.authorize(scope);
    expect(page.html).to.contain('Aanmelden via ACM');

    const idpLogin = await rp.browser.submit(page, '/upstream/saml/start', {});
    expect(idpLogin.url.startsWith(idp.baseUrl), idpLogin.html).to.equal(true);
    const landing = await loginAtIdp(rp.browser, idpLogin, username, PASSWORD, onResponse);
    return { rp, landing, finish };
  }

  const sessions = () => storedUpstreamState(server, db, 'session');

  it('logs in a pupil matched by UUID: enriched ID token, filtered for the platform', async () => {
    const { landing, finish } = await signInThroughAcm('lotte');
    expect(landing.url.startsWith(REDIRECT_URI), idp.log()).to.equal(true);

    const claims: Record<string, unknown> = (await finish(landing)).claims() ?? {};
    expect(claims.sub).to.equal(ids.byUuid);
    expect(claims.given_name).to.equal('Lotte');
    // Enrolled in schools A and B; platform A is linked to school A only.
    expect(claims.enrolments).to.deep.equal([
      {
        institution_number: SCHOOL_A,
        location_number: `${SCHOOL_A}1`,
        administrative_group: '2A',
        kind_of_education: 'secundair',
      },
    ]);
    expect(claims).not.to.have.property('insz');
  });

  it('logs in a pupil matched by INSZ when ACM sends no UUID', async function () {
    const { landing, finish } = await signInThroughAcm('milan', 'openid profile');
    const claims: Record<string, unknown> = (await finish(landing)).claims() ?? {};
    expect(claims.sub).to.equal(ids.byInsz);
    expect(claims.name).to.equal('Milan Wouters');
    expect(claims).not.to.have.property('enrolments');
  });

  it('refuses an unknown person: a clear page, access_denied to the platform', async function () {
    const before = (await sessions()).length;
    const { rp, landing, finish } = await signInThroughAcm('onbekend');
    expect(landing.status).to.equal(403);
    expect(landing.html).to.contain('vinden we geen LeerID-account');
    expect((await sessions()).length).to.equal(before);
    expect(log.withReason('upstream.no_match')).to.have.length.greaterThan(0);

    const back = await rp.browser.submit(landing, '/abort', {});
    const error = (await finish(back).catch((e: unknown) => e)) as oidc.AuthorizationResponseError;
    expect(error).to.be.instanceOf(oidc.AuthorizationResponseError);
    expect(error.error).to.equal('access_denied');
    expect(error.error_description).to.equal('unknown_person');
  });

  it('keeps the administrator role in the session; access_denied to the platform', async () => {
    const { rp, landing, finish } = await signInThroughAcm('beheerder');
    expect(landing.status).to.equal(403);
    expect(landing.html).to.contain('LeerID-beheerder');

    const admins = (await sessions()).filter((s) => (s.adminInstitutions as string[]).length > 0);
    expect(admins).to.have.length(1);
    expect(admins[0]?.adminInstitutions).to.deep.equal([SCHOOL_A]);
    expect(admins[0]).not.to.have.property('pupilId');

    const back = await rp.browser.submit(landing, '/abort', {});
    const error = (await finish(back).catch((e: unknown) => e)) as oidc.AuthorizationResponseError;
    expect(error.error).to.equal('access_denied');
    expect(error.error_description).to.equal('not_a_pupil');
  });

  it('decrypts an assertion the IdP encrypts for LeerID', async function () {
    idp.registerSp(await spMetadata(), { 'assertion.encryption': true });
    try {
      let seen = '';
      const { landing, finish } = await signInThroughAcm('lotte', 'openid', (xml) => {
        seen = xml;
      });
      expect(seen).to.contain('EncryptedAssertion');
      expect(seen).not.to.match(/<saml:Assertion\b/);
      expect((await finish(landing)).claims()?.sub).to.equal(ids.byUuid);
    } finally {
      idp.registerSp(await spMetadata());
    }
  });

  it('ends the ACM session too at end_session (single logout)', async function () {
    const { rp, landing, finish } = await signInThroughAcm('lotte');
    const tokens = await finish(landing);
    const before = (await sessions()).length;

    const logoutUrl = oidc.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: `${REDIRECT_URI}?logged-out`,
    });
    const confirm = await rp.browser.open(logoutUrl.toString());
    const atIdp = await rp.browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    expect(atIdp.url.startsWith(idp.baseUrl), atIdp.html).to.equal(true);

    const done = await followSamlPost(rp.browser, atIdp);
    expect(done.url).to.equal(`${REDIRECT_URI}?logged-out`);
    expect((await sessions()).length).to.equal(before - 1);
    expect(log.withReason('upstream.logout')).to.deep.equal([]);

    // The IdP session is gone: ACM asks for the password again.
    const again = await relyingParty(
      server.issuer,
      'platform-a',
      secretOf('platform-a'),
      rp.browser,
    );
    const { page } = await again.authorize('openid');
    const idpLogin = await again.browser.submit(page, '/upstream/saml/start', {});
    expect(idpLogin.html).to.contain('name="password"');
  });
});
