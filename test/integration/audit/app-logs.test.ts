/**
 * Application logs never carry secrets or identities: a full login, a
 * failed one, a token refresh, a handover, a password reset and sync runs
 * (a good dump and a faulty one) are logged at trace level and searched for
 * every forbidden value.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import * as oidc from 'openid-client';
import { createLogger, REDACTED_PATHS } from '../../../src/http/logger.js';
import type { Db } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { adminOf, insertChild, linkIn, readOutbox, tempDir } from '../../helpers/accounts.js';
import { insertPupil } from '../../helpers/factories.js';
import { UserAgent } from '../../helpers/user-agent.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer } from '../../helpers/server.js';
import { CLIENTS, NOW, PASSWORD, PUPILS, SCHOOL_A } from '../oidc/login-flow.config.js';

const DUMPS = 'test/fixtures/dumps';

/** INSZ numbers and full names of a dump: none may reach a log line. */
function identitiesIn(file: string): string[] {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  const at = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
  return rows.flatMap((line) => {
    const row = line.split(',');
    const insz = at(row, 'insz');
    return [...(insz ? [insz] : []), `${at(row, 'given_name')} ${at(row, 'family_name')}`];
  });
}

function expectNoLeaks(lines: string[], forbidden: string[]) {
  for (const value of forbidden) {
    const leaks = lines.filter((line) => line.includes(value));
    expect(leaks, `log lines containing a forbidden value`).to.deep.equal([]);
  }
}

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

/** PUPILS.twoSchools.insz as it is printed on documents. */
const PRINTED_INSZ = '12.05.04-001.01';

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
    expect(REDACTED_PATHS).to.include.members(['password', 'insz', 'token']);
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
    expectNoLeaks(lines, forbidden);
  });

  it('mask ids in paths no route names, and refuse odd request ids', async function () {
    const { lines, logger } = capture();
    const server = await startServer({ db, clients: CLIENTS, clock: () => NOW, logger });
    try {
      const headers = {
        authorization: 'Bearer garbage',
        'x-request-id': 'evil <script> request id',
      };
      await fetch(`${server.issuer}/api/v1/pupils/${PUPILS.twoSchools.insz}`, { headers });
      await fetch(`${server.issuer}/nergens/${PUPILS.twoSchools.insz}/meer`);
      // The same number in its printed form, and a name: neither is logged.
      await fetch(`${server.issuer}/api/v1/pupils/by-insz/${PRINTED_INSZ}`);
      await fetch(`${server.issuer}/Sam.Vandenbroeck/profiel`);
    } finally {
      await server.close();
    }
    expect(lines.some((line) => line.includes('"/api/v1/pupils/{id}"'))).to.equal(true);
    expect(lines.some((line) => line.includes('"/nergens/…/…"'))).to.equal(true);
    expect(lines.some((line) => line.includes('"/…/…"'))).to.equal(true);
    expectNoLeaks(lines, [
      PUPILS.twoSchools.insz,
      PRINTED_INSZ,
      'evil',
      'Vandenbroeck',
      'by-insz',
    ]);
  });

  it('hold no link, password or name after a handover and a password reset', async function () {
    const { lines, logger } = capture();
    const outbox = tempDir('outbox');
    const server = await startServer({
      db,
      clients: CLIENTS,
      clock: () => NOW,
      logger,
      config: { keysDir: tempDir('keys'), mail: { outboxDir: outbox } },
    });
    const forbidden = ['Yasmine Hermans', 'eigen-zin-voor-de-test', 'tweede-zin-voor-de-test'];

    try {
      const admin = adminOf(SCHOOL_A);
      const pupilId = await insertChild(db, {
        givenName: 'Yasmine',
        familyName: 'Hermans',
        birthDate: '2011-02-03',
        enrolments: [{ institution: SCHOOL_A, kind: 'secundair', group: '3A' }],
      });
      const { username, password } = await server.app.accounts.admin.createAccount(admin, pupilId);
      forbidden.push(password as string);

      await server.app.accounts.admin.startHandover(admin, pupilId, 'yasmine@example.org');
      const handover = linkIn(readOutbox(outbox)[0] as ReturnType<typeof readOutbox>[number]);
      const browser = new UserAgent('http://127.0.0.1:9/');
      const form = await browser.open(handover);
      const taken = await browser.submit(form, '/account/overdracht/', {
        new_password: 'eigen-zin-voor-de-test',
        repeat_password: 'eigen-zin-voor-de-test',
      });
      expect(taken.html).to.contain('Je beheert je account nu zelf');

      const forgot = await browser.open(`${server.issuer}/account/wachtwoord-vergeten`);
      await browser.submit(forgot, '/wachtwoord-vergeten', { identifier: username });
      await server.app.accounts.self.drain();
      const mails = readOutbox(outbox);
      const reset = linkIn(mails.at(-1) as ReturnType<typeof readOutbox>[number]);
      const resetForm = await browser.open(reset);
      const done = await browser.submit(resetForm, '/account/nieuw-wachtwoord/', {
        new_password: 'tweede-zin-voor-de-test',
        repeat_password: 'tweede-zin-voor-de-test',
      });
      expect(done.html).to.contain('Je nieuwe wachtwoord is ingesteld');

      forbidden.push(
        ...[handover, reset].map((link) => new URL(link).pathname.split('/').pop() as string),
      );
    } finally {
      await server.close();
    }

    expect(lines.some((line) => line.includes('"/account/nieuw-wachtwoord/:'))).to.equal(true);
    expect(lines.some((line) => line.includes('"/account/wachtwoord-vergeten"'))).to.equal(true);
    expectNoLeaks(lines, forbidden);
  });

  it('hold no INSZ or name after sync runs, a good dump and a faulty one', function () {
    this.timeout(60_000);
    const dir = tempDir('sync-logs');
    const run = (dump: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sync', dump], {
        encoding: 'utf8',
        env: {
          ...process.env,
          LEERID_DATABASE_URL: `sqlite:${join(dir, 'leerid.sqlite')}`,
          LEERID_KEYS_DIR: join(dir, 'keys'),
          LEERID_LOG_LEVEL: 'trace',
        },
      });

    const good = `${DUMPS}/valid/night-1.csv`;
    const faulty = `${DUMPS}/invalid/insz-check-digits.csv`;
    const outputs = [run(good), run(faulty)];
    expect(outputs.map((output) => output.status)).to.deep.equal([0, 1]);

    const lines = outputs.flatMap((output) => `${output.stdout}\n${output.stderr}`.split('\n'));
    expect(lines.join('\n')).to.contain('row.insz');
    expectNoLeaks(lines, [...identitiesIn(good), ...identitiesIn(faulty)]);
  });
});
