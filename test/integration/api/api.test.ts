/**
 * The pupil API: contract tests that cover every operation of the OpenAPI
 * document (the server validates each response against it), caller
 * authentication with private_key_jwt, and per-caller filtering.
 */
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { OPENAPI_DOCUMENT } from '../../../src/api/openapi.js';
import type { Db } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { captureLog, type CapturedLog } from '../../helpers/log-capture.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { CLIENTS, NOW, PASSWORD, PUPILS, SCHOOL_A, SCHOOL_C } from '../oidc/login-flow.config.js';
import { apiCallers, callerKeys, type CallerKeys } from './api.config.js';

type CallerName = 'acm' | 'schoolTool' | 'limited';
const CLIENT_IDS: Record<CallerName, string> = {
  acm: 'acm',
  schoolTool: 'school-tool',
  limited: 'limited',
};

describe('pupil API', function () {
  let db: Db;
  let server: TestServer;
  let keys: Record<CallerName, CallerKeys>;
  let log: CapturedLog;
  const ids = { twoSchools: '', ended: '', otherSchool: '' };
  const tokens: Partial<Record<CallerName, string>> = {};

  before(async function () {
    db = await freshDb();
    for (const key of Object.keys(ids) as (keyof typeof ids)[]) {
      ids[key] = await insertPupil(db, PUPILS[key]);
    }
    keys = { acm: await callerKeys(), schoolTool: await callerKeys(), limited: await callerKeys() };
    log = captureLog();
    server = await startServer({
      db,
      clients: CLIENTS,
      apiCallers: apiCallers(keys),
      clock: () => NOW,
      logger: log.logger,
    });
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  async function tokenFor(name: CallerName, scope?: string): Promise<string> {
    const config = await oidc.discovery(
      new URL(server.issuer),
      CLIENT_IDS[name],
      undefined,
      oidc.PrivateKeyJwt(keys[name].privateKey),
      { execute: [oidc.allowInsecureRequests] },
    );
    const registered = apiCallers(keys).find((c) => c.client_id === CLIENT_IDS[name]);
    const grant = await oidc.clientCredentialsGrant(config, {
      scope: scope ?? registered?.scopes.join(' ') ?? '',
    });
    return grant.access_token;
  }

  async function call(name: CallerName, path: string, init: RequestInit = {}) {
    tokens[name] ??= await tokenFor(name);
    const response = await fetch(`${server.issuer}/api/v1${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${tokens[name]}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
      headers: response.headers,
    };
  }

  describe('contract: every operation of the document', function () {
    const cases: Record<string, () => Promise<void>> = {
      async getPupil() {
        const { status, body } = await call('acm', `/pupils/${ids.twoSchools}`);
        expect(status).to.equal(200);
        expect(body.id).to.equal(ids.twoSchools);
      },
      async findPupils() {
        const { status, body } = await call(
          'acm',
          `/pupils?username=${PUPILS.twoSchools.username}`,
        );
        expect(status).to.equal(200);
        expect(body.pupils.map((p: { id: string }) => p.id)).to.deep.equal([ids.twoSchools]);
      },
      async listPupilEnrolments() {
        const { status, body } = await call('acm', `/pupils/${ids.twoSchools}/enrolments`);
        expect(status).to.equal(200);
        expect(body.enrolments).to.have.length(2);
      },
      async verifyCredentials() {
        const { status, body } = await call('acm', '/credentials/verify', {
          method: 'POST',
          body: JSON.stringify({ username: PUPILS.otherSchool.username, password: PASSWORD }),
        });
        expect(status).to.equal(200);
        expect(body).to.deep.include({ valid: true });
        expect(body.pupil.id).to.equal(ids.otherSchool);
      },
      async listSchoolPupils() {
        const { status, body } = await call('schoolTool', `/schools/${SCHOOL_A}/pupils?limit=10`);
        expect(status).to.equal(200);
        expect(body.pupils.map((p: { id: string }) => p.id)).to.deep.equal([ids.twoSchools]);
        expect(body.next).to.equal(null);
      },
    };

    const documented = Object.values(OPENAPI_DOCUMENT.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId as string),
    );

    it('has a case for each documented operation and no more', function () {
      expect(Object.keys(cases).sort()).to.deep.equal([...documented].sort());
    });

    for (const operationId of documented) {
      it(`${operationId} answers as documented`, async function () {
        await cases[operationId]?.();
      });
    }

    it('is a valid OpenAPI 3.1 document', async function () {
      const validator = new Validator();
      const result = await validator.validate(structuredClone(OPENAPI_DOCUMENT) as never);
      expect(validator.version).to.equal('3.1');
      expect(result).to.deep.equal({ valid: true });
    });

    it('serves the document itself', async function () {
      const response = await fetch(`${server.issuer}/api/v1/openapi.json`);
      expect((await response.json()).openapi).to.equal('3.1.0');
    });

    it('refuses a request that breaks the document with a problem listing why', async function () {
      const { status, type, body } = await call('acm', '/credentials/verify', {
        method: 'POST',
        body: JSON.stringify({ username: 'x' }),
      });
      expect(status).to.equal(400);
      expect(type).to.match(/^application\/problem\+json/);
      expect(body).to.include({ code: 'api.invalid_request', status: 400 });
      expect(JSON.stringify(body.errors)).to.contain('password');
    });

    it('refuses a body over 16 KiB with 413, logged below error level', async function () {
      const { status, body, headers } = await call('acm', '/credentials/verify', {
        method: 'POST',
        body: JSON.stringify({ username: 'x', password: 'y'.repeat(20 * 1024) }),
      });
      expect([status, body.status, body.code]).to.deep.equal([413, 413, 'api.body_too_large']);

      const lines = log.lines.filter((line) => line.reqId === headers.get('x-request-id'));
      expect(lines.map((line) => line.level)).to.deep.equal([30]);
    });

    it('refuses a control character in a JSON string or a query value', async function () {
      const answers = [
        await call('acm', '/credentials/verify', {
          method: 'POST',
          body: JSON.stringify({ username: 'sam\u0000x', password: 'y' }),
        }),
        await call('acm', '/credentials/verify', {
          method: 'POST',
          body: JSON.stringify({ username: 'sam', password: 'y\u001b' }),
        }),
        await call('acm', '/pupils?username=sam%00x'),
      ];
      for (const { status, body } of answers) {
        expect([status, body.status, body.code]).to.deep.equal([400, 400, 'api.invalid_request']);
      }
    });
  });

  describe('caller authentication', function () {
    const tokenEndpoint = () => `${server.issuer}/token`;

    async function assertion(name: CallerName, claims: Record<string, unknown> = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ jti: randomUUID(), ...claims })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer((claims.iss as string) ?? CLIENT_IDS[name])
        .setSubject((claims.sub as string) ?? CLIENT_IDS[name])
        .setAudience((claims.aud as string) ?? server.issuer)
        .setIssuedAt(now)
        .setExpirationTime((claims.exp as number) ?? now + 60)
        .sign(keys[name].privateKey);
    }

    async function requestToken(clientAssertion: string, clientId: string, scope?: string) {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
        ...(scope ? { scope } : {}),
      });
      const response = await fetch(tokenEndpoint(), { method: 'POST', body });
      return { status: response.status, body: await response.json() };
    }

    it('issues a token for a valid assertion', async function () {
      const { status, body } = await requestToken(await assertion('acm'), 'acm', 'pupils:read');
      expect(status).to.equal(200);
      expect(body.access_token).to.be.a('string');
    });

    it('refuses an expired assertion', async function () {
      const expired = await assertion('acm', { exp: Math.floor(Date.now() / 1000) - 120 });
      const { status, body } = await requestToken(expired, 'acm');
      expect([status, body.error]).to.deep.equal([401, 'invalid_client']);
    });

    it('refuses an assertion for another audience', async function () {
      const wrong = await assertion('acm', { aud: 'https://elsewhere.example' });
      const { status, body } = await requestToken(wrong, 'acm');
      expect([status, body.error]).to.deep.equal([401, 'invalid_client']);
    });

    it('refuses a replayed jti', async function () {
      const once = await assertion('acm');
      expect((await requestToken(once, 'acm')).status).to.equal(200);
      const { status, body } = await requestToken(once, 'acm');
      expect([status, body.error]).to.deep.equal([401, 'invalid_client']);
    });

    it('refuses an unknown client', async function () {
      const stranger = await assertion('acm', { iss: 'stranger', sub: 'stranger' });
      const { status, body } = await requestToken(stranger, 'stranger');
      expect([status, body.error]).to.deep.equal([401, 'invalid_client']);
    });

    it("refuses an assertion signed with another caller's key", async function () {
      const forged = await assertion('schoolTool', { iss: 'acm', sub: 'acm' });
      const { status, body } = await requestToken(forged, 'acm');
      expect([status, body.error]).to.deep.equal([401, 'invalid_client']);
    });

    it('refuses a scope the caller lacks, at the token endpoint and at the API', async function () {
      const { body } = await requestToken(await assertion('acm'), 'acm', 'school:pupils');
      expect(body.error).to.equal('invalid_scope');

      const narrow = await tokenFor('acm', 'credentials:verify');
      const response = await fetch(`${server.issuer}/api/v1/pupils/${ids.twoSchools}`, {
        headers: { authorization: `Bearer ${narrow}` },
      });
      expect(response.status).to.equal(403);
      expect((await response.json()).code).to.equal('api.insufficient_scope');
      expect(response.headers.get('www-authenticate')).to.contain('insufficient_scope');
    });

    it('refuses a missing or unknown bearer token', async function () {
      const url = `${server.issuer}/api/v1/pupils/${ids.twoSchools}`;
      for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<
        string,
        string
      >[]) {
        const response = await fetch(url, { headers });
        expect(response.status).to.equal(401);
        expect((await response.json()).code).to.equal('api.unauthorized');
      }
    });

    it('limits the requests of one caller per minute', async function () {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        statuses.push((await call('limited', `/pupils/${ids.twoSchools}`)).status);
      }
      expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
    });
  });

  describe('filtering per caller', function () {
    it('gives INSZ only to a caller with a legal basis and the insz scope', async function () {
      const withBasis = await call('acm', `/pupils/${ids.twoSchools}`);
      expect(withBasis.body.insz).to.equal(PUPILS.twoSchools.insz);

      const acmWithoutScope = await tokenFor('acm', 'pupils:read');
      const response = await fetch(`${server.issuer}/api/v1/pupils/${ids.twoSchools}`, {
        headers: { authorization: `Bearer ${acmWithoutScope}` },
      });
      expect(await response.json()).not.to.have.property('insz');

      const without = await call('schoolTool', `/pupils/${ids.twoSchools}`);
      expect(without.body).not.to.have.property('insz');
    });

    it('shows only the enrolments in schools linked to the caller', async function () {
      const { body } = await call('schoolTool', `/pupils/${ids.twoSchools}/enrolments`);
      expect(
        body.enrolments.map((e: { institution_number: string }) => e.institution_number),
      ).to.deep.equal([SCHOOL_A]);
    });

    it('never shows a pupil of a school not linked to the caller', async function () {
      for (const path of [
        `/pupils/${ids.otherSchool}`,
        `/pupils/${ids.otherSchool}/enrolments`,
        `/pupils/${ids.ended}`,
        `/schools/${SCHOOL_C}/pupils`,
      ]) {
        const { status, body } = await call('schoolTool', path);
        expect(status, path).to.equal(404);
        expect(JSON.stringify(body)).not.to.contain('Claes');
      }
      const byName = await call('schoolTool', `/pupils?username=${PUPILS.otherSchool.username}`);
      expect(byName.body).to.deep.equal({ pupils: [] });

      const verify = await call('schoolTool', '/credentials/verify', {
        method: 'POST',
        body: JSON.stringify({ username: PUPILS.otherSchool.username, password: PASSWORD }),
      });
      expect([verify.status, verify.body.code]).to.deep.equal([401, 'api.invalid_credentials']);
    });

    it('never returns gender, birth date or the Discimus id', async function () {
      const { body } = await call('acm', `/pupils/${ids.twoSchools}`);
      expect(Object.keys(body).sort()).to.deep.equal([
        'enrolments',
        'family_name',
        'given_name',
        'id',
        'insz',
      ]);
    });

    it('writes every lookup to the privacy log', async function () {
      await server.app.services.privacyLog.flush();
      const before = Number((await db('privacy_log').count({ n: '*' }).first())?.n);
      await call('acm', `/pupils/${ids.twoSchools}`);
      await server.app.services.privacyLog.flush();
      const rows = await db('privacy_log')
        .where({ kind: 'api.lookup', actor: 'acm' })
        .orderBy('at');
      expect(Number((await db('privacy_log').count({ n: '*' }).first())?.n)).to.equal(before + 1);
      expect(JSON.parse(rows.at(-1).data).claims).to.include('insz');
      expect(rows.at(-1).legal_basis).to.match(/^Decreet/);
    });
  });

  describe('credential verification', function () {
    /** A pupil of school C only, which school-tool (linked to school A) cannot see. */
    const UNSEEN = 'unseen.one';

    before(async function () {
      await insertPupil(db, {
        givenName: 'Unseen',
        familyName: 'Test',
        username: UNSEEN,
        password: PASSWORD,
        enrolments: [{ institution: SCHOOL_C }],
      });
    });

    async function loginPageAttempt(username: string, password: string) {
      const secret = CLIENTS.find((c) => c.client_id === 'platform-a')?.client_secret;
      const rp = await relyingParty(server.issuer, 'platform-a', secret);
      const { page } = await rp.authorize('openid');
      return login(rp.browser, page, username, password);
    }

    it('answers a wrong password and an unknown username alike', async function () {
      const answers = [];
      for (const username of [PUPILS.twoSchools.username, PUPILS.ended.username, 'nobody.at.all']) {
        answers.push(
          await call('acm', '/credentials/verify', {
            method: 'POST',
            body: JSON.stringify({ username, password: 'wrong-password' }),
          }),
        );
      }
      expect(answers.map((a) => [a.status, a.body])).to.deep.equal(
        Array(3).fill([
          401,
          {
            type: 'urn:leerid:problem:api.invalid_credentials',
            title: 'Username or password is wrong',
            status: 401,
            code: 'api.invalid_credentials',
          },
        ]),
      );
    });

    it('locks an account after repeated failures, also for the right password', async function () {
      const attempt = (password: string) =>
        call('acm', '/credentials/verify', {
          method: 'POST',
          body: JSON.stringify({ username: PUPILS.otherSchool.username, password }),
        });
      let last = await attempt('guess-0');
      for (let i = 1; i < 12 && last.status !== 423; i += 1) last = await attempt(`guess-${i}`);
      expect(last.status).to.equal(423);
      expect(last.body.retry_after).to.be.greaterThan(0);

      const right = await attempt(PASSWORD);
      expect(right.status).to.equal(423);
    });

    it('shares its lock with the login page, both ways', async function () {
      const viaApi = (username: string, password: string) =>
        call('acm', '/credentials/verify', {
          method: 'POST',
          body: JSON.stringify({ username, password }),
        });

      const [first, second] = ['lock.one', 'lock.two'];
      for (const username of [first, second]) {
        await insertPupil(db, {
          givenName: 'Lock',
          familyName: 'Test',
          username,
          password: PASSWORD,
          enrolments: [{ institution: SCHOOL_A }],
        });
      }

      // Locked through the API: the login page refuses even the right password.
      let answer = await viaApi(first, 'guess-0');
      for (let i = 1; i < 12 && answer.status !== 423; i += 1) {
        answer = await viaApi(first, `guess-${i}`);
      }
      expect(answer.status).to.equal(423);
      const page = await loginPageAttempt(first, PASSWORD);
      expect(page.status).to.equal(429);
      expect(page.html).not.to.contain('Geen toegang');

      // Locked through the login page: the API refuses even the right password.
      let form = await loginPageAttempt(second, 'guess-0');
      for (let i = 1; i < 12 && form.status !== 429; i += 1) {
        form = await loginPageAttempt(second, `guess-${i}`);
      }
      expect(form.status).to.equal(429);
      const api = await viaApi(second, PASSWORD);
      expect([api.status, api.body.code]).to.deep.equal([423, 'api.account_locked']);
    });

    it("answers for a pupil outside the caller's schools as for an unknown username", async function () {
      const answers = [];
      for (const [username, password] of [
        [UNSEEN, PASSWORD],
        [UNSEEN, 'wrong-password'],
        ['nobody.at.all', PASSWORD],
      ]) {
        const answer = await call('schoolTool', '/credentials/verify', {
          method: 'POST',
          body: JSON.stringify({ username, password }),
        });
        answers.push({ status: answer.status, body: answer.body });
      }
      expect(answers[0]).to.deep.equal(answers[2]);
      expect(answers[1]).to.deep.equal(answers[2]);
      expect(answers[2]).to.deep.include({ status: 401 });
    });

    it("never counts a caller's guesses against a pupil it cannot see", async function () {
      const statuses = [];
      for (let i = 0; i < 12; i += 1) {
        const answer = await call('schoolTool', '/credentials/verify', {
          method: 'POST',
          body: JSON.stringify({ username: UNSEEN, password: `guess-${i}` }),
        });
        statuses.push(answer.status);
      }
      expect(new Set(statuses)).to.deep.equal(new Set([401]));

      // A caller who may see the pupil finds the account neither locked nor delayed.
      const seen = await call('acm', '/credentials/verify', {
        method: 'POST',
        body: JSON.stringify({ username: UNSEEN, password: PASSWORD }),
      });
      expect(seen.status).to.equal(200);
    });
  });
});
