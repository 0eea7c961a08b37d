/**
 * Application logs never carry secrets or identities: a full login, a
 * failed one and a token refresh are logged at trace level and searched for
 * every forbidden value.
 */
import { Writable } from 'node:stream';
import { expect } from 'chai';
import * as oidc from 'openid-client';
import { createLogger, REDACTED_PATHS } from '../../../src/http/logger.js';
import type { Db } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer } from '../../helpers/server.js';
import { CLIENTS, NOW, PASSWORD, PUPILS } from '../oidc/login-flow.config.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('trace', stream) };
}

describe('application logs', function () {
  let db: Db;

  before(async function () {
    db = await freshDb();
  });

  after(async function () {
    await db?.destroy();
  });

  it('redacts the configured paths wherever they appear', function () {
    const { lines, logger } = capture();
    logger.info({ password: 'p4ss', insz: '12050400101', user: { given_name: 'Sam' } }, 'x');
    expect(lines[0]).not.to.contain('p4ss');
    expect(lines[0]).not.to.contain('12050400101');
    expect(lines[0]).not.to.contain('Sam');
    expect(REDACTED_PATHS).to.include.members(['password', 'insz', 'token', 'code']);
  });

  it('hold no password, token, code, INSZ or name after real logins', async function () {
    const { lines, logger } = capture();
    const pupil = PUPILS.twoSchools;
    await insertPupil(db, pupil);
    const server = await startServer({ db, clients: CLIENTS, clock: () => NOW, logger });
    const forbidden: string[] = [PASSWORD, 'wrong-guess-123', pupil.insz, pupil.familyName];

    try {
      const client = CLIENTS.find((c) => c.client_id === 'platform-a');
      const rp = await relyingParty(server.issuer, 'platform-a', client?.client_secret);
      const { page, finish } = await rp.authorize('openid profile leerid offline_access', {
        prompt: 'consent',
      });
      await login(rp.browser, page, pupil.username, 'wrong-guess-123');
      const landing = await login(rp.browser, page, pupil.username, PASSWORD);
      const code = new URL(landing.url).searchParams.get('code') as string;
      const tokens = await finish(landing);
      const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token as string);
      await oidc.fetchUserInfo(rp.config, refreshed.access_token, tokens.claims()?.sub as string);

      forbidden.push(
        code,
        tokens.access_token,
        tokens.id_token as string,
        tokens.refresh_token as string,
        refreshed.access_token,
      );
    } finally {
      await server.close();
    }

    expect(lines.length).to.be.greaterThan(8);
    expect(lines.some((line) => line.includes('"/token"'))).to.equal(true);
    for (const value of forbidden) {
      const leaks = lines.filter((line) => line.includes(value));
      expect(leaks, `log lines containing a forbidden value`).to.deep.equal([]);
    }
  });
});
