/**
 * The console's pupil list on a school of 3,000 pupils (and 3,000 in
 * another school beside it): search by name, class and stamnummer, filter
 * by account state, and keyset pages forward and back that stay fast.
 */
import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Db } from '../../../src/store/db.js';
import {
  createSchoolPupilStore,
  type Cursor,
  type PupilRow,
  type PupilSearch,
} from '../../../src/store/school-pupils.js';
import { freshDb } from '../../helpers/db.js';
import { SCHOOL_A, SCHOOL_B } from './admin.config.js';

const PER_SCHOOL = 3000;
const PAGE = 50;
const TODAY = '2026-10-15';
const FAMILY = ['Janssens', 'Peeters', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens'];
const GIVEN = ['Emma', 'Noah', 'Olivia', 'Arthur', 'Louise', 'Jules', 'Mila', 'Lucas', 'Nora'];

async function seed(db: Db) {
  const now = Date.now();
  for (const [s, school] of [SCHOOL_A, SCHOOL_B].entries()) {
    const pupils = [];
    const enrolments = [];
    const accounts = [];
    for (let i = 0; i < PER_SCHOOL; i++) {
      const id = randomUUID();
      const n = s * PER_SCHOOL + i;
      pupils.push({
        id,
        discimus_id: `SEARCH${n}`,
        given_name: GIVEN[i % GIVEN.length],
        family_name: `${FAMILY[i % FAMILY.length]}${s === 1 ? 'B' : ''}`,
        gender: 'X',
        birth_date: '2012-01-01',
        row_hash: createHash('sha256').update(id).digest('hex'),
        created_at: now,
        updated_at: now,
        last_seen_at: now,
      });
      enrolments.push({
        pupil_id: id,
        institution_number: school,
        location_number: `${school}1`,
        stamnummer: String(100000 + n),
        kind_of_education: 'secundair',
        administrative_group: `${1 + (i % 6)}${'ABCD'[i % 4]}`,
        enrolment_date: '2026-09-01',
        start_date: '2026-09-01',
        end_date: i % 100 === 99 ? '2026-09-30' : null,
        row_hash: id,
        updated_at: now,
      });
      accounts.push({
        pupil_id: id,
        username: `search.${n}`,
        password_hash: i % 3 === 0 ? null : 'x',
        managed_by: i % 3 === 2 ? 'pupil' : 'school',
        status: i % 50 === 7 ? 'blocked' : 'active',
        created_at: now,
        updated_at: now,
      });
    }
    await db.batchInsert('pupils', pupils, 200);
    await db.batchInsert('enrolments', enrolments, 200);
    await db.batchInsert('accounts', accounts, 200);
  }
}

describe('console pupil search on a school of 3,000', function () {
  this.timeout(120_000);
  let db: Db;
  let store: ReturnType<typeof createSchoolPupilStore>;
  const school: PupilSearch = { institutions: [SCHOOL_A], today: TODAY };

  before(async function () {
    db = await freshDb();
    await seed(db);
    store = createSchoolPupilStore(db);
  });

  after(async function () {
    await db?.destroy();
  });

  const key = (row: PupilRow) => [row.familyName, row.givenName, row.id] as const;
  const cursor = (row: PupilRow, direction: Cursor['direction']): Cursor => {
    const [familyName, givenName, id] = key(row);
    return { familyName, givenName, id, direction };
  };

  it('pages through every current pupil of the school once, in name order, each page fast', async () => {
    // 1 in 100 enrolments ended before today.
    expect(await store.count(school)).to.equal(PER_SCHOOL - PER_SCHOOL / 100);

    const seen: PupilRow[] = [];
    const times: number[] = [];
    let at: Cursor | undefined;
    for (;;) {
      const started = performance.now();
      const page = await store.findPage(school, at, PAGE);
      times.push(performance.now() - started);
      seen.push(...page.rows);
      if (!page.hasMore) break;
      at = cursor(page.rows.at(-1) as PupilRow, 'after');
    }

    expect(seen).to.have.length(PER_SCHOOL - PER_SCHOOL / 100);
    expect(new Set(seen.map((row) => row.id)).size).to.equal(seen.length);
    for (let i = 1; i < seen.length; i++) {
      const [before, after] = [seen[i - 1] as PupilRow, seen[i] as PupilRow];
      const order = `${before.familyName} ${before.givenName} <= ${after.familyName} ${after.givenName}`;
      expect(before.familyName <= after.familyName, order).to.equal(true);
      if (before.familyName === after.familyName) {
        expect(before.givenName <= after.givenName, order).to.equal(true);
      }
    }
    expect(seen.every((row) => row.enrolments.every((e) => e.institutionNumber === SCHOOL_A))).to.be
      .true;
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] as number;
    expect(median, `median page time ${median.toFixed(1)} ms`).to.be.below(100);
  });

  it('pages back to exactly the page before', async () => {
    const first = await store.findPage(school, undefined, PAGE);
    const second = await store.findPage(
      school,
      cursor(first.rows.at(-1) as PupilRow, 'after'),
      PAGE,
    );
    const back = await store.findPage(school, cursor(second.rows[0] as PupilRow, 'before'), PAGE);
    expect(back.rows.map((row) => row.id)).to.deep.equal(first.rows.map((row) => row.id));
    expect(back.hasMore, 'nothing before the first page').to.equal(false);
  });

  it('searches by name, either order, case-insensitive', async () => {
    const rows = (await store.findPage({ ...school, text: 'EMMA janss' }, undefined, 500)).rows;
    expect(rows.length).to.be.greaterThan(0);
    expect(rows.every((r) => r.givenName === 'Emma' && r.familyName === 'Janssens')).to.be.true;
    const reversed = await store.count({ ...school, text: 'janssens emma' });
    expect(reversed).to.equal(rows.length);
    expect(await store.count({ ...school, text: 'JanssensB' }), 'other school').to.equal(0);
    expect(await store.count({ ...school, text: '%' }), 'LIKE wildcards are literal').to.equal(0);
  });

  it('finds one pupil by stamnummer, only in the administrator’s school', async () => {
    const mine = await store.findPage({ ...school, text: '100042' }, undefined, PAGE);
    expect(mine.rows.map((r) => r.enrolments[0]?.stamnummer)).to.deep.equal(['100042']);
    expect(await store.count({ ...school, text: String(100000 + PER_SCHOOL + 42) })).to.equal(0);
  });

  it('filters by class and by account state', async () => {
    const inClass = await store.findPage({ ...school, group: '3C' }, undefined, 1000);
    expect(inClass.rows.length).to.be.greaterThan(0);
    expect(inClass.rows.every((r) => r.enrolments.some((e) => e.administrativeGroup === '3C'))).to
      .be.true;

    for (const state of ['none', 'school', 'pupil', 'blocked'] as const) {
      const page = await store.findPage({ ...school, state }, undefined, 1000);
      expect(page.rows.length, state).to.be.greaterThan(0);
      expect([...new Set(page.rows.map((row) => row.state))], state).to.deep.equal([state]);
    }
    const total = await Promise.all(
      (['none', 'school', 'pupil', 'blocked'] as const).map((state) =>
        store.count({ ...school, state }),
      ),
    );
    expect(total.reduce((a, b) => a + b, 0)).to.equal(await store.count(school));
  });
});
