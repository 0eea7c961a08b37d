/**
 * The upstream OpenID Connect connector against a second, independent OIDC
 * provider on another port: the same mapping rules and administrator role
 * as over SAML, state bound to the interaction, and logout at both ends.
 */
import { expect } from 'chai';
import * as oidc from 'openid-client';
import type { Db } from '../../../src/store/db.js';
import { storedUpstreamState } from '../../helpers/upstream-state.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { captureLog, type CapturedLog } from '../../helpers/log-capture.js';
import { openOidcIdp, type OidcIdp } from '../../helpers/oidc-idp.js';
import { relyingParty, REDIRECT_URI } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import {
  ADMIN_ROLE,
  CLIENTS,
  PUPILS,
  SCHOOL_A,
  secretOf,
  UNKNOWN_INSZ,
} from './upstream.config.js';

const UPSTREAM_CLIENT = { id: 'leerid', secret: 'leerid-at-the-upstream-idp-0123456789' };

describe('login through an upstream OpenID Connect provider', function () {
  let db: Db;
  let idp: OidcIdp;
  let server: TestServer;
  let log: CapturedLog;
  const ids = { byUuid: '', byInsz: '' };

  before(async function () {
    db = await freshDb();
    ids.byUuid = await insertPupil(db, PUPILS.byUuid);
    ids.byInsz = await insertPupil(db, PUPILS.byInsz);

    const socket = await openOidcIdp();
    log = captureLog();
    server = await startServer({
      db,
      clients: CLIENTS,
      logger: log.logger,
      config: {
        upstream: {
          oidc: {
            label: 'Aanmelden via ACM',
            issuer: socket.issuer,
            clientId: UPSTREAM_CLIENT.id,
            clientSecret: UPSTREAM_CLIENT.secret,
            scope: 'openid profile',
            allowHttp: true,
          },
        },
      },
    });
    idp = await socket.start({
      client: {
        ...UPSTREAM_CLIENT,
        redirectUri: `${server.issuer}/upstream/oidc/callback`,
        postLogoutRedirectUri: `${server.issuer}/upstream/oidc/logged-out`,
      },
      accounts: {
        'acm-lotte': { leerid_uuid: ids.byUuid, rrn: UNKNOWN_INSZ },
        'acm-milan': { rrn: PUPILS.byInsz.insz },
        'acm-onbekend': { rrn: UNKNOWN_INSZ },
        'acm-beheerder': { rol: [ADMIN_ROLE] },
      },
    });
  });

  after(async function () {
    await server?.close();
    await idp?.close();
    await db?.destroy();
  });

  async function signIn(account: string) {
    idp.loginAs(account);
    const rp = await relyingParty(server.issuer, 'platform-a', secretOf('platform-a'));
    const { page, finish } = await rp.authorize('openid profile leerid');
    expect(page.html).to.contain('Aanmelden via ACM');
    const landing = await rp.browser.submit(page, '/upstream/oidc/start', {});
    return { rp, landing, finish };
  }

  const sessions = () => storedUpstreamState(server, db, 'session');

  it('logs in a pupil matched by LeerID UUID', async function () {
    const { landing, finish } = await signIn('acm-lotte');
    expect(landing.url.startsWith(REDIRECT_URI), landing.html).to.equal(true);
    const claims: Record<string, unknown> = (await finish(landing)).claims() ?? {};
    expect(claims.sub).to.equal(ids.byUuid);
    expect(
      (claims.enrolments as { institution_number: string }[]).map((e) => e.institution_number),
    ).to.deep.equal([SCHOOL_A]);
  });

  it('logs in a pupil matched by INSZ', async function () {
    const { landing, finish } = await signIn('acm-milan');
    expect((await finish(landing)).claims()?.sub).to.equal(ids.byInsz);
  });

  it('refuses an unknown person with access_denied', async function () {
    const { rp, landing, finish } = await signIn('acm-onbekend');
    expect(landing.status).to.equal(403);
    const back = await rp.browser.submit(landing, '/abort', {});
    const error = (await finish(back).catch((e: unknown) => e)) as oidc.AuthorizationResponseError;
    expect(error.error).to.equal('access_denied');
    expect(error.error_description).to.equal('unknown_person');
  });

  it('keeps the administrator role in the session', async function () {
    const { landing } = await signIn('acm-beheerder');
    expect(landing.status).to.equal(403);
    const admins = (await sessions()).filter((s) => s.connectorId === 'oidc' && !s.pupilId);
    expect(admins.map((s) => s.adminInstitutions)).to.deep.equal([[SCHOOL_A]]);
  });

  it('refuses a callback whose state LeerID never handed out', async function () {
    const rp = await relyingParty(server.issuer, 'platform-a', secretOf('platform-a'));
    const page = await rp.browser.open(
      `${server.issuer}/upstream/oidc/callback?code=forged&state=never-issued`,
    );
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('upstream.state');
    expect(log.withReason('upstream.state')).to.have.length.greaterThan(0);
  });

  it('ends the upstream session at end_session and returns to the platform', async function () {
    const { rp, landing, finish } = await signIn('acm-lotte');
    const tokens = await finish(landing);
    const before = (await sessions()).length;

    const logout = oidc.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: `${REDIRECT_URI}?logged-out`,
    });
    const confirm = await rp.browser.open(logout.toString());
    const atIdp = await rp.browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    expect(atIdp.url.startsWith(idp.issuer), atIdp.html).to.equal(true);

    const done = await rp.browser.submit(atIdp, '/session/end/confirm', { logout: 'yes' });
    expect(done.url).to.equal(`${REDIRECT_URI}?logged-out`);
    expect((await sessions()).length).to.equal(before - 1);
  });
});
