/**
 * Blocking an account or giving it a new password ends what the old login
 * started: the browser session, refresh tokens and access tokens. A real
 * relying party (openid-client) and the school administrator's own actions;
 * the service runs on the real clock, as the login times it compares are.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import * as oidc from 'openid-client';
import type { Db } from '../../../src/store/db.js';
import { adminOf } from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { login, relyingParty, type RelyingParty } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { CLIENTS, PASSWORD, SCHOOL_A } from './login-flow.config.js';

const PLATFORM = CLIENTS[0] as (typeof CLIENTS)[number];
const SCOPE = 'openid leerid offline_access';

describe('sessions and tokens once the account changes', function () {
  let db: Db;
  let server: TestServer;
  const admin = adminOf(SCHOOL_A);

  before(async function () {
    db = await freshDb();
    server = await startServer({ db, clients: CLIENTS });
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  async function pupil(username: string): Promise<string> {
    return insertPupil(db, {
      givenName: 'Ruben',
      familyName: 'Peeters',
      username,
      password: PASSWORD,
      enrolments: [{ institution: SCHOOL_A, group: '4A' }],
    });
  }

  async function signIn(username: string, password = PASSWORD, rp?: RelyingParty) {
    const party = rp ?? (await relyingParty(server.issuer, PLATFORM.client_id, PLATFORM.client_secret));
    const { page, finish } = await party.authorize(SCOPE, { prompt: 'consent' });
    const tokens = await finish(await login(party.browser, page, username, password));
    // Login times count in whole seconds: let the change come a second later.
    await sleep(1100);
    return { rp: party, tokens };
  }

  /** What the browser's session gets at prompt=none: a code or an error. */
  async function silently(rp: RelyingParty): Promise<string> {
    const { page } = await rp.authorize('openid', { prompt: 'none' });
    const answer = new URL(page.url).searchParams;
    return answer.get('error') ?? (answer.get('code') ? 'code' : `no answer at ${page.url}`);
  }

  async function refreshError(rp: RelyingParty, refreshToken: string) {
    const error = await oidc.refreshTokenGrant(rp.config, refreshToken).catch((e: unknown) => e);
    return (error as { error?: string }).error ?? 'refreshed';
  }

  async function userinfoStatus(rp: RelyingParty, accessToken: string, sub: string) {
    const error = await oidc.fetchUserInfo(rp.config, accessToken, sub).catch((e: unknown) => e);
    return (error as { response?: Response }).response?.status ?? 200;
  }

  it('a block ends the session and every token, and unblocking revives none', async function () {
    const pupilId = await pupil('ruben.peeters');
    const { rp, tokens } = await signIn('ruben.peeters');
    expect(await silently(rp)).to.equal('code');

    await server.app.accounts.admin.blockAccount(admin, pupilId);

    expect(await refreshError(rp, tokens.refresh_token as string)).to.equal('invalid_grant');
    expect(await userinfoStatus(rp, tokens.access_token, pupilId)).to.equal(401);
    expect(await silently(rp)).to.equal('login_required');

    await server.app.accounts.admin.unblockAccount(admin, pupilId);

    expect(await refreshError(rp, tokens.refresh_token as string)).to.equal('invalid_grant');
    expect(await silently(rp)).to.equal('login_required');
    const again = await signIn('ruben.peeters', PASSWORD, rp);
    expect(await refreshError(rp, again.tokens.refresh_token as string)).to.equal('refreshed');
    expect(await silently(rp)).to.equal('code');
  });

  it('a new password from the school ends earlier logins, not the one after it', async function () {
    const pupilId = await pupil('ruben.peeters2');
    const { rp, tokens } = await signIn('ruben.peeters2');
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token as string);
    await sleep(1100);

    const { password } = await server.app.accounts.admin.generatePassword(admin, pupilId);

    expect(await refreshError(rp, refreshed.refresh_token as string)).to.equal('invalid_grant');
    expect(await userinfoStatus(rp, refreshed.access_token, pupilId)).to.equal(401);
    expect(await silently(rp)).to.equal('login_required');

    const fresh = await signIn('ruben.peeters2', password as string, rp);
    expect(await userinfoStatus(rp, fresh.tokens.access_token, pupilId)).to.equal(200);
    expect(await refreshError(rp, fresh.tokens.refresh_token as string)).to.equal('refreshed');
  });
});
