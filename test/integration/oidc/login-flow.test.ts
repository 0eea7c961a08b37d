/**
 * The main job end to end: a real relying party (openid-client) logs pupils
 * in through LeerID and receives exactly the claims its platform may see.
 */
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Db } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { login, relyingParty, REDIRECT_URI } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { UserAgent } from '../../helpers/user-agent.js';
import { CLIENTS, NOW, PASSWORD, PUPILS, SCHOOL_A, SCHOOL_B } from './login-flow.config.js';

const PROTOCOL_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'auth_time', 'at_hash', 'sid', 'azp'];

function withoutProtocolClaims(claims: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(claims).filter(([key]) => !PROTOCOL_CLAIMS.includes(key)),
  );
}

function secretOf(clientId: string): string | undefined {
  return CLIENTS.find((client) => client.client_id === clientId)?.client_secret;
}

describe('login flow with openid-client', function () {
  let db: Db;
  let server: TestServer;
  const ids: Record<keyof typeof PUPILS, string> = {
    twoSchools: '',
    ended: '',
    leaving: '',
    otherSchool: '',
  };

  before(async function () {
    db = await freshDb();
    for (const key of Object.keys(PUPILS) as (keyof typeof PUPILS)[]) {
      ids[key] = await insertPupil(db, PUPILS[key]);
    }
    server = await startServer({ db, clients: CLIENTS, clock: () => NOW });
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  async function signIn(
    clientId: string,
    scope: string,
    username: string,
    extra?: Record<string, string>,
  ) {
    const rp = await relyingParty(server.issuer, clientId, secretOf(clientId));
    const { page, finish } = await rp.authorize(scope, extra);
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('Aanmelden bij LeerID');
    const landing = await login(rp.browser, page, username, PASSWORD);
    return { rp, landing, finish };
  }

  it('issues a verified ID token and userinfo with the same filtered claims', async function () {
    const { rp, landing, finish } = await signIn(
      'platform-a',
      'openid profile leerid',
      PUPILS.twoSchools.username,
    );
    const tokens = await finish(landing);

    const jwks = createRemoteJWKSet(new URL(rp.config.serverMetadata().jwks_uri as string));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token as string, jwks, {
      issuer: server.issuer,
      audience: 'platform-a',
    });
    expect(protectedHeader.alg).to.equal('RS256');

    const expected = {
      sub: ids.twoSchools,
      given_name: 'Sam',
      family_name: 'Vandenbroeck',
      name: 'Sam Vandenbroeck',
      enrolments: [
        {
          institution_number: SCHOOL_A,
          location_number: `${SCHOOL_A}1`,
          administrative_group: '1A',
          kind_of_education: 'secundair',
        },
      ],
    };
    expect(withoutProtocolClaims(payload)).to.deep.equal(expected);

    const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, ids.twoSchools);
    expect(userinfo).to.deep.equal(expected);
  });

  it('gives a platform with a legal basis the INSZ only when it asks for it', async function () {
    const asked = await signIn('platform-insz', 'openid leerid insz', PUPILS.twoSchools.username);
    const withInsz = (await asked.finish(asked.landing)).claims();
    expect(withInsz?.insz).to.equal(PUPILS.twoSchools.insz);
    expect(
      (withInsz?.enrolments as { institution_number: string }[]).map((e) => e.institution_number),
    ).to.deep.equal([SCHOOL_A, SCHOOL_B]);

    const notAsked = await signIn('platform-insz', 'openid leerid', PUPILS.twoSchools.username);
    const tokens = await notAsked.finish(notAsked.landing);
    expect(tokens.claims()).not.to.have.property('insz');
    const userinfo = await oidc.fetchUserInfo(
      notAsked.rp.config,
      tokens.access_token,
      ids.twoSchools,
    );
    expect(userinfo).not.to.have.property('insz');
  });

  it('never releases INSZ to a platform without a legal basis, even when asked', async function () {
    const rp = await relyingParty(server.issuer, 'platform-a', secretOf('platform-a'));
    const { page, finish } = await rp.authorize('openid profile insz');
    expect(page.url.startsWith(REDIRECT_URI)).to.equal(true);

    const error = await finish(page).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(oidc.AuthorizationResponseError);
    expect((error as oidc.AuthorizationResponseError).error).to.equal('invalid_scope');
  });

  it('never releases gender, birth date or the Discimus id', async function () {
    const { landing, finish } = await signIn(
      'platform-insz',
      'openid profile leerid insz',
      PUPILS.twoSchools.username,
    );
    const claims = (await finish(landing)).claims() ?? {};
    for (const forbidden of ['gender', 'birthdate', 'birth_date', 'discimus_id']) {
      expect(claims).not.to.have.property(forbidden);
    }
  });

  for (const [key, reason] of [
    ['ended', 'no_current_enrolment'],
    ['otherSchool', 'platform_not_linked'],
  ] as const) {
    it(`refuses a pupil with ${reason} and returns access_denied`, async function () {
      const { rp, landing, finish } = await signIn('platform-a', 'openid', PUPILS[key].username);
      expect(landing.status).to.equal(403);
      expect(landing.html).to.contain('Geen toegang');
      expect(landing.html).not.to.contain('name="password"');

      const back = await rp.browser.submit(landing, '/abort', {});
      expect(back.url.startsWith(REDIRECT_URI)).to.equal(true);
      const error = await finish(back).catch((e: unknown) => e);
      expect((error as oidc.AuthorizationResponseError).error).to.equal('access_denied');
      expect((error as oidc.AuthorizationResponseError).error_description).to.equal(reason);
    });
  }

  it('does not let an existing session bypass the access rule', async function () {
    const browser = new UserAgent(REDIRECT_URI);
    const first = await relyingParty(server.issuer, 'platform-a', secretOf('platform-a'), browser);
    const { page } = await first.authorize('openid');
    const landing = await login(browser, page, PUPILS.twoSchools.username, PASSWORD);
    expect(landing.url.startsWith(REDIRECT_URI)).to.equal(true);

    const other = await relyingParty(server.issuer, 'platform-c', undefined, browser);
    const second = await other.authorize('openid');
    expect(second.page.status).to.equal(403);
    expect(second.page.html).to.contain('Je school gebruikt dit platform niet');

    // Without a page to show (prompt=none) the platform gets the same reason.
    const silent = await other.authorize('openid', { prompt: 'none' });
    const answer = new URL(silent.page.url).searchParams;
    expect(answer.get('error')).to.equal('access_denied');
    expect(answer.get('error_description')).to.equal('platform_not_linked');
  });

  it('shows the login page again with one neutral message for any wrong login', async function () {
    const rp = await relyingParty(server.issuer, 'platform-a', secretOf('platform-a'));
    const { page } = await rp.authorize('openid');

    const wrongPassword = await login(rp.browser, page, PUPILS.twoSchools.username, 'nope-nope');
    const unknownUser = await login(rp.browser, page, 'nobody.here', PASSWORD);

    for (const answer of [wrongPassword, unknownUser]) {
      expect(answer.status).to.equal(401);
      expect(answer.html).to.contain('name="password"');
      expect(answer.html).to.contain(
        'Deze combinatie van gebruikersnaam en wachtwoord klopt niet.',
      );
    }
  });

  it('requires PKCE from a public client', async function () {
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: 'platform-c',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') as string);
    expect(location.searchParams.get('error')).to.equal('invalid_request');
    expect(location.searchParams.get('error_description')).to.match(/PKCE/);
  });

  it('revokes a refresh token and introspection then reports it inactive', async function () {
    const { rp, landing, finish } = await signIn(
      'platform-a',
      'openid offline_access',
      PUPILS.twoSchools.username,
      { prompt: 'consent' },
    );
    const tokens = await finish(landing);
    const refreshToken = tokens.refresh_token as string;
    expect(refreshToken).to.be.a('string');

    const active = await oidc.tokenIntrospection(rp.config, refreshToken);
    expect(active.active).to.equal(true);
    expect(active.sub).to.equal(ids.twoSchools);

    await oidc.tokenRevocation(rp.config, refreshToken);
    const revoked = await oidc.tokenIntrospection(rp.config, refreshToken);
    expect(revoked.active).to.equal(false);
  });

  it('honours no refresh token or access token once the enrolment has ended', async function () {
    const { rp, landing, finish } = await signIn(
      'platform-a',
      'openid leerid offline_access',
      PUPILS.leaving.username,
      { prompt: 'consent' },
    );
    const tokens = await finish(landing);
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token as string);
    expect(refreshed.claims()?.sub).to.equal(ids.leaving);

    // What the nightly sync writes when Discimus reports the pupil gone.
    await db('enrolments').where({ pupil_id: ids.leaving }).update({ end_date: '2026-10-14' });

    const refusal = await oidc
      .refreshTokenGrant(rp.config, refreshed.refresh_token as string)
      .catch((error: unknown) => error);
    expect(refusal).to.have.property('error', 'invalid_grant');
    const userinfo = await oidc
      .fetchUserInfo(rp.config, refreshed.access_token, ids.leaving)
      .catch((error: unknown) => error);
    expect(userinfo).to.have.nested.property('response.status', 401);
  });
});

describe('client registrations checked by oidc-provider at start', function () {
  it('stops the start for a redirect URI the library would refuse, naming the client', async function () {
    const db = await freshDb();
    try {
      const broken = {
        ...CLIENTS[0],
        client_id: 'broken-platform',
        redirect_uris: ['javascript:alert(1)'],
      };
      const error = await startServer({ db, clients: [broken as (typeof CLIENTS)[number]] }).catch(
        (e: unknown) => e,
      );
      expect(error).to.have.property('code', 'clients.invalid');
      expect((error as Error).message).to.match(/client "broken-platform": redirect_uris/);
    } finally {
      await db.destroy();
    }
  });
});
