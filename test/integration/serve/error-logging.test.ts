/**
 * A 500 that oidc-provider answers itself (it turns the error into
 * `server_error` and keeps it) is logged with its cause: name, code and
 * message, so an operator can tell a bug from a broken key without a
 * debugger. Neither tokens nor the pupil's data reach the line.
 */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';
import { captureLog } from '../../helpers/log-capture.js';
import { login, relyingParty } from '../../helpers/relying-party.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { CLIENT, PASSWORD, PUPIL } from '../operations/operations.config.js';

describe('request log of a 500', function () {
  this.timeout(30_000);

  let db: Db;
  let server: TestServer;
  const log = captureLog();

  before(async function () {
    db = await freshDb();
    await insertPupil(db, PUPIL);
    server = await startServer({ db, clients: [CLIENT], logger: log.logger });
  });

  after(async function () {
    await server?.close();
    await db?.destroy();
  });

  it('names the cause of a server_error at the token endpoint', async function () {
    const rp = await relyingParty(server.issuer, CLIENT.client_id, CLIENT.client_secret);
    const { page, finish } = await rp.authorize('openid profile');
    const landing = await login(rp.browser, page, PUPIL.username, PASSWORD);

    // A bug's stand-in: the code exchange's access check reads a table that is gone.
    await db.schema.renameTable('enrolments', 'enrolments_elsewhere');
    const failure = await finish(landing).then(
      () => undefined,
      (error: { cause?: Response }) => error,
    );
    await db.schema.renameTable('enrolments_elsewhere', 'enrolments');
    expect(failure?.cause?.status).to.equal(500);
    expect(await failure?.cause?.json()).to.include({ error: 'server_error' });

    const line = log.lines.find((entry) => entry.path === '/token' && entry.status === 500);
    expect(line, JSON.stringify(log.lines)).to.include({ msg: 'request failed' });
    const err = line?.error as { name: string; message: string };
    expect(err.name).to.be.a('string').and.not.equal('');
    expect(err.message).to.match(/enrolments/);

    const text = JSON.stringify(line);
    expect(text).not.to.contain(PUPIL.username);
    expect(text).not.to.contain(PUPIL.familyName);
    expect(text).not.to.contain(new URL(landing.url).searchParams.get('code'));
  });
});
