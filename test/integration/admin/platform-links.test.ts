/**
 * A school's platform choice against the login rule: a 'school' link adds a
 * platform, an opt-out hides a link from the registrations file, both
 * survive the rewrite of config links at every start, and one school's
 * choice never touches another school.
 */
import { expect } from 'chai';
import { createServices } from '../../../src/services.js';
import { resolveConfig } from '../../../src/config/load.js';
import type { Db } from '../../../src/store/db.js';
import { insertChild } from '../../helpers/accounts.js';
import { freshDb } from '../../helpers/db.js';
import { TEST_PRIVACY_LOG_KEY } from '../../helpers/server.js';
import { PUPILS, SCHOOL_A, SCHOOL_B } from './admin.config.js';

describe('platform links: a school’s own choice', function () {
  let db: Db;
  let services: ReturnType<typeof createServices>;
  const ids = { a: '', b: '' };
  const CONFIG_LINKS = [
    { clientId: 'platform-a', institutionNumber: SCHOOL_A },
    { clientId: 'platform-a', institutionNumber: SCHOOL_B },
  ];

  before(async function () {
    db = await freshDb();
    ids.a = await insertChild(db, PUPILS.ownTeen);
    ids.b = await insertChild(db, PUPILS.otherTeen);
    services = createServices(resolveConfig({ logLevel: 'silent' }), db, {
      privacyLogKey: TEST_PRIVACY_LOG_KEY,
    });
    await services.links.replaceConfigLinks(CONFIG_LINKS, 1);
  });

  after(async function () {
    await services?.privacyLog.close();
    await db?.destroy();
  });

  const restart = () => services.links.replaceConfigLinks(CONFIG_LINKS, 2);
  const decide = (pupilId: string, clientId: string) =>
    services.access.decide(pupilId, clientId, services.today());
  const choose = (institutionNumber: string, clientId: string, linked: boolean) =>
    services.links.setSchoolChoice({
      institutionNumber,
      clientId,
      linked,
      adminId: 'test-admin',
      now: 3,
    });

  it('hides a config link the school opted out of, also after a restart', async () => {
    await choose(SCHOOL_A, 'platform-a', false);
    expect(await services.links.findInstitutions('platform-a')).to.deep.equal([SCHOOL_B]);
    expect(await decide(ids.a, 'platform-a')).to.deep.equal({
      allowed: false,
      reason: 'platform_not_linked',
    });

    await restart();
    expect(await services.links.findInstitutions('platform-a')).to.deep.equal([SCHOOL_B]);
    expect((await decide(ids.b, 'platform-a')).allowed, 'school B unaffected').to.equal(true);
  });

  it('brings the config link back when the school links it again', async () => {
    await choose(SCHOOL_A, 'platform-a', true);
    expect((await services.links.findInstitutions('platform-a')).sort()).to.deep.equal([
      SCHOOL_A,
      SCHOOL_B,
    ]);
    expect((await decide(ids.a, 'platform-a')).allowed).to.equal(true);
    await restart();
    expect((await decide(ids.a, 'platform-a')).allowed).to.equal(true);
  });

  it('adds a platform the registrations file does not link, kept across restarts', async () => {
    expect((await decide(ids.a, 'platform-b')).allowed).to.equal(false);
    await choose(SCHOOL_A, 'platform-b', true);
    await restart();
    expect(await services.links.findClientsOf(SCHOOL_A)).to.deep.equal([
      'platform-a',
      'platform-b',
    ]);
    expect((await decide(ids.a, 'platform-b')).allowed).to.equal(true);
    expect((await decide(ids.b, 'platform-b')).allowed).to.equal(false);
  });

  it('removes the school’s own link when it unlinks it', async () => {
    await choose(SCHOOL_A, 'platform-b', false);
    await restart();
    expect(await services.links.findClientsOf(SCHOOL_A)).to.deep.equal(['platform-a']);
    expect((await decide(ids.a, 'platform-b')).allowed).to.equal(false);
  });

  it('keeps an opt-out when the registrations file later adds the school', async () => {
    await choose(SCHOOL_B, 'platform-c', false);
    await services.links.replaceConfigLinks(
      [...CONFIG_LINKS, { clientId: 'platform-c', institutionNumber: SCHOOL_B }],
      4,
    );
    expect(await services.links.findInstitutions('platform-c')).to.deep.equal([]);
  });

  it('drops a config link the registrations no longer list and rewrites no unchanged one', async () => {
    const configRows = () =>
      db('platform_links')
        .select('institution_number', 'created_at')
        .where({ client_id: 'platform-a', source: 'config' })
        .orderBy('institution_number');
    const before = await configRows();
    await services.links.replaceConfigLinks(
      [{ clientId: 'platform-a', institutionNumber: SCHOOL_A }],
      5,
    );
    expect(await configRows()).to.deep.equal(
      before.filter((row) => row.institution_number === SCHOOL_A),
    );
    expect((await decide(ids.b, 'platform-a')).allowed).to.equal(false);
  });
});
