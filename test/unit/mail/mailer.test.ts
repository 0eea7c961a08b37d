/** E-mail transports: an outbox folder in the embedded default, SMTP when configured. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { resolveConfig } from '../../../src/config/load.js';
import { LeerIdError } from '../../../src/errors/index.js';
import { createLogger } from '../../../src/http/logger.js';
import { createMailer } from '../../../src/mail/mailer.js';
import { handoverMessage, resetMessage } from '../../../src/mail/messages.js';
import { tempDir } from '../../helpers/accounts.js';

describe('mail', function () {
  it('writes an .eml and a .json per message to the outbox by default', async function () {
    const dataDir = tempDir('data');
    const mailer = createMailer(resolveConfig({ dataDir }), createLogger('silent'));
    await mailer.send({ to: 'pupil@example.org', subject: 'Test', text: 'Dag één link' });

    const files = readdirSync(join(dataDir, 'outbox')).sort();
    expect(files.map((name) => name.split('.').pop())).to.deep.equal(['eml', 'json']);
    const eml = readFileSync(join(dataDir, 'outbox', files[0] as string), 'utf8');
    expect(eml).to.match(/^To: pupil@example\.org/m);
    expect(eml).to.match(/^Subject: Test/m);
    const json = JSON.parse(readFileSync(join(dataDir, 'outbox', files[1] as string), 'utf8'));
    expect(json).to.include({ to: 'pupil@example.org', text: 'Dag één link' });
  });

  it('refuses transport smtp without an SMTP URL', function () {
    expect(() => resolveConfig({ mail: { transport: 'smtp' } })).to.throw(LeerIdError, /smtpUrl/);
  });

  it('reports an unreachable SMTP server as mail.failed', async function () {
    const config = resolveConfig({ mail: { transport: 'smtp', smtpUrl: 'smtp://127.0.0.1:1' } });
    const error = await createMailer(config, createLogger('silent'))
      .send({ to: 'a@example.org', subject: 's', text: 't' })
      .catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(LeerIdError);
    expect((error as LeerIdError).code).to.equal('mail.failed');
  });

  it('has every message in Dutch and in English', function () {
    const data = { givenName: 'Ruben', username: 'ruben.j', link: 'http://x/l', days: 7 };
    expect(handoverMessage('nl', data).subject).to.equal('Neem je LeerID-account over');
    expect(handoverMessage('en', data).subject).to.equal('Take over your LeerID account');
    const reset = { username: 'ruben.j', link: 'http://x/r', minutes: 60 };
    expect(resetMessage('nl', reset).text).to.contain('60 minuten');
    expect(resetMessage('en', reset).text).to.contain('60 minutes');
  });
});
