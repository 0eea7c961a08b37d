/**
 * The one-statement read behind login decisions and ID tokens: the pupil,
 * the enrolments running today, and per school whether it uses the
 * platform, with a school's opt-out hiding its link.
 */
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import { createPlatformLinkStore } from '../../../src/store/platform-links.js';
import { createPupilAccessStore } from '../../../src/store/pupil-access.js';
import { freshDb } from '../../helpers/db.js';
import { insertPupil } from '../../helpers/factories.js';

const TODAY = '2026-12-03';

describe('pupil access read', function () {
  let db: Db;
  let store: ReturnType<typeof createPupilAccessStore>;
  const ids = { twoSchools: '', ended: '', none: '' };

  before(async function () {
    db = await freshDb();
    store = createPupilAccessStore(db);
    const pupil = { givenName: 'Test', familyName: 'Leerling', insz: null };
    ids.twoSchools = await insertPupil(db, {
      ...pupil,
      username: 'access.two',
      enrolments: [
        { institution: '200002', group: '2B' },
        { institution: '100001', group: '1A' },
        { institution: '300003', start: '2027-01-01' },
      ],
    });
    ids.ended = await insertPupil(db, {
      ...pupil,
      username: 'access.ended',
      enrolments: [{ institution: '100001', start: '2025-09-01', end: '2026-06-30' }],
    });
    ids.none = await insertPupil(db, { ...pupil, username: 'access.none', enrolments: [] });

    const links = createPlatformLinkStore(db);
    await links.replaceConfigLinks(
      ['100001', '200002', '300003'].map((institutionNumber) => ({
        clientId: 'platform-a',
        institutionNumber,
      })),
      1,
    );
    await links.setSchoolChoice({
      institutionNumber: '200002',
      clientId: 'platform-a',
      linked: false,
      adminId: 'test-admin',
      now: 2,
    });
  });

  after(async function () {
    await db?.destroy();
  });

  it('gives the pupil and today’s enrolments in order, linked unless the school opted out', async () => {
    const access = await store.find(ids.twoSchools, 'platform-a', TODAY);
    expect(access?.pupil).to.include({ id: ids.twoSchools, givenName: 'Test', insz: null });
    expect(
      access?.enrolments.map((e) => [
        e.enrolment.institutionNumber,
        e.enrolment.administrativeGroup,
        e.linked,
      ]),
    ).to.deep.equal([
      ['100001', '1A', true],
      ['200002', '2B', false],
    ]);
  });

  it('links nothing for a platform no school uses', async () => {
    const access = await store.find(ids.twoSchools, 'platform-b', TODAY);
    expect(access?.enrolments.map((e) => e.linked)).to.deep.equal([false, false]);
  });

  it('gives a pupil without a running enrolment with none', async () => {
    expect((await store.find(ids.ended, 'platform-a', TODAY))?.enrolments).to.deep.equal([]);
    expect((await store.find(ids.none, 'platform-a', TODAY))?.pupil.id).to.equal(ids.none);
  });

  it('gives nothing for an unknown pupil', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await store.find(unknown, 'platform-a', TODAY)).to.equal(undefined);
  });
});
