import { expect } from 'chai';
import { statSync } from 'node:fs';
import type { Db } from '../../../src/store/db.js';
import { DumpRowsError, runSync, type SyncReport } from '../../../src/sync/index.js';
import { freshDb } from '../../helpers/db.js';
import { dump, snapshot, syncOptions } from '../../helpers/sync.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The fixtures are tiny, so one changed row is a large share: relax the guards. */
const RELAXED = syncOptions({ maxEndedShare: 0.5, minSizeRatio: 0.5 });

async function pupil(db: Db, discimusId: string) {
  return db('pupils').where({ discimus_id: discimusId }).first();
}

async function enrolmentsOf(db: Db, discimusId: string) {
  return db('enrolments')
    .join('pupils', 'pupils.id', 'enrolments.pupil_id')
    .where('pupils.discimus_id', discimusId)
    .orderBy(['institution_number', 'start_date'])
    .select('enrolments.*');
}

async function failureOf(work: Promise<unknown>): Promise<{ code: string } & Error> {
  try {
    await work;
  } catch (error) {
    return error as { code: string } & Error;
  }
  throw new Error('expected the sync to fail');
}

describe('sync: applying dumps', () => {
  let db: Db;
  beforeEach(async () => {
    db = await freshDb();
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('imports a first dump: pupils, enrolments, schools and accounts', async () => {
    const report = await runSync(db, dump('valid/night-1.csv'), syncOptions());

    expect(report.outcome).to.equal('applied');
    expect(report.pupils).to.deep.include({ inDump: 5, new: 5, changed: 0, gone: 0 });
    expect(report.enrolments).to.deep.include({ new: 6, changed: 0, ended: 0, gone: 0 });
    expect(report.institutions.new).to.equal(3);
    expect(report.locations.new).to.equal(3);

    const lotte = await pupil(db, 'D1');
    expect(lotte.id).to.match(UUID_V4);
    expect(lotte).to.deep.include({ insz: '11071116211', given_name: 'Lotte', gender: 'V' });
    expect(await db('institutions').where({ institution_number: '100001' }).first()).to.deep.equal({
      institution_number: '100001',
      name: 'Atheneum Leerstad',
    });
  });

  it('makes a school-managed account without password per currently enrolled pupil', async () => {
    const report = await runSync(db, dump('valid/night-1.csv'), syncOptions());

    const accounts = await db('accounts')
      .join('pupils', 'pupils.id', 'accounts.pupil_id')
      .orderBy('discimus_id')
      .select('discimus_id', 'username', 'password_hash', 'managed_by');
    // D3 only has an ended enrolment; D5 is a second Lotte Janssens.
    expect(accounts).to.deep.equal([
      { discimus_id: 'D1', username: 'lotte.janssens', password_hash: null, managed_by: 'school' },
      { discimus_id: 'D2', username: 'milan.claes', password_hash: null, managed_by: 'school' },
      { discimus_id: 'D4', username: 'arthur.desmet', password_hash: null, managed_by: 'school' },
      { discimus_id: 'D5', username: 'lotte.janssens2', password_hash: null, managed_by: 'school' },
    ]);
    expect(report.accounts.created).to.equal(4);
  });

  it('changes nothing when the same dump is applied again', async () => {
    await runSync(db, dump('valid/night-1.csv'), syncOptions());
    const before = await snapshot(db);

    const again = await runSync(db, dump('valid/night-1.csv.gz'), syncOptions());

    expect(await snapshot(db)).to.deep.equal(before);
    expect(again.pupils).to.deep.include({ new: 0, changed: 0, returned: 0, gone: 0 });
    expect(again.enrolments).to.deep.include({ new: 0, changed: 0, ended: 0, gone: 0 });
    expect(again.accounts.created).to.equal(0);
  });

  it('applies the next night as a delta: new, changed, corrected, ended and gone', async () => {
    await runSync(db, dump('valid/night-1.csv'), RELAXED);
    const before = { d1: await pupil(db, 'D1'), d3: await pupil(db, 'D3') };

    const report = await runSync(db, dump('valid/night-2.csv'), RELAXED);

    expect(report.pupils).to.deep.include({ new: 1, changed: 2, returned: 0, gone: 1 });
    // D1's group changed; D2's second school and D3's (already ended) row left the dump.
    expect(report.enrolments).to.deep.include({ new: 1, changed: 1, ended: 1, gone: 2 });

    const d1 = await pupil(db, 'D1');
    expect(d1.id).to.equal(before.d1.id);
    expect((await enrolmentsOf(db, 'D1'))[0].administrative_group).to.equal('3B');

    // AGODI added Arthur's INSZ: the field is updated, no second pupil appears.
    expect((await pupil(db, 'D4')).insz).to.equal('17071092187');
    expect(await db('pupils').where({ given_name: 'Arthur' }).count('* as n')).to.deep.equal([
      { n: 1 },
    ]);
    expect((await pupil(db, 'D5')).family_name).to.equal('Janssen');

    const [stillThere, gone] = await enrolmentsOf(db, 'D2');
    expect(stillThere).to.deep.include({ end_date: null, missing_since: null });
    expect(gone).to.deep.include({ institution_number: '100002', end_date: '2026-12-02' });
    expect(gone.missing_since).to.be.a('number');

    // D3 left the dump: kept, with UUID and data, marked missing.
    const d3 = await pupil(db, 'D3');
    expect(d3.id).to.equal(before.d3.id);
    expect(d3.missing_since).to.be.a('number');

    expect(
      await db('accounts')
        .where({ pupil_id: (await pupil(db, 'D6')).id })
        .first('username'),
    ).to.deep.equal({ username: 'zoe.ozturk' });
  });

  it('gives a pupil who comes back the same UUID and reopens a returning enrolment', async () => {
    await runSync(db, dump('valid/night-1.csv'), RELAXED);
    const uuid = (await pupil(db, 'D3')).id;
    await runSync(db, dump('valid/night-2.csv'), RELAXED);

    const report = await runSync(db, dump('valid/night-3.csv'), RELAXED);

    expect(report.pupils).to.deep.include({ returned: 1, new: 0 });
    const d3 = await pupil(db, 'D3');
    expect(d3).to.deep.include({ id: uuid, missing_since: null });
    const [, back] = await enrolmentsOf(db, 'D2');
    expect(back).to.deep.include({ end_date: null, missing_since: null });
    // D3 is enrolled again (since 1 December), so now gets an account.
    expect(await db('accounts').where({ pupil_id: uuid }).first('username')).to.deep.equal({
      username: 'noor.vermeulen',
    });
  });

  it('reads a dump with another header and delimiter through the column mapping', async () => {
    const mappingFile = dump('valid/mapped.mapping.json');
    const report = await runSync(db, dump('valid/mapped.csv'), syncOptions({ mappingFile }));

    expect(report.pupils.new).to.equal(2);
    expect((await pupil(db, 'D1')).insz).to.equal('11071116211');
    expect((await pupil(db, 'D2')).family_name).to.equal('Claes; jr');
    // A backslash survives PostgreSQL's COPY escaping, even before an N.
    expect((await pupil(db, 'D2')).given_name).to.equal('Milan\\N');
  });

  it('records every run in sync_runs with file, checksum, counts and outcome', async () => {
    const report = await runSync(db, dump('valid/night-1.csv'), syncOptions());

    const run = await db('sync_runs').where({ id: report.runId }).first();
    expect(run).to.deep.include({ outcome: 'applied', rows: 6, file: dump('valid/night-1.csv') });
    expect(run.checksum).to.equal(report.checksum);
    expect(Number(run.size)).to.equal(statSync(dump('valid/night-1.csv')).size);
    expect(run.finished_at).to.be.at.least(run.started_at);
    expect(JSON.parse(run.counts).pupils.new).to.equal(5);
  });
});

describe('sync: dry run, guards and refusals', () => {
  let db: Db;
  beforeEach(async () => {
    db = await freshDb();
    await runSync(db, dump('valid/night-1.csv'), syncOptions());
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('reports a dry run in full and writes nothing', async () => {
    const before = await snapshot(db);

    const report = await runSync(db, dump('valid/night-2.csv'), { ...RELAXED, dryRun: true });

    expect(report.outcome).to.equal('dry-run');
    expect(report.pupils).to.deep.include({ new: 1, changed: 2, gone: 1 });
    expect(await snapshot(db)).to.deep.equal(before);
    expect(await db('sync_runs').where({ id: report.runId }).first('outcome')).to.deep.equal({
      outcome: 'dry-run',
    });
  });

  it('refuses a dump that would end more than 5% of active enrolments', async () => {
    const before = await snapshot(db);

    const error = await failureOf(
      runSync(db, dump('valid/mostly-gone.csv'), syncOptions({ minSizeRatio: 0 })),
    );

    expect(error.code).to.equal('sync.implausible');
    expect(error.message).to.match(/end 4 of 5 active enrolments/);
    expect(await snapshot(db)).to.deep.equal(before);
    const run = await db('sync_runs').orderBy('id', 'desc').first();
    expect(run).to.deep.include({ outcome: 'refused', error_code: 'sync.implausible' });
  });

  it('refuses a dump much smaller than the last applied one', async () => {
    const error = await failureOf(
      runSync(db, dump('valid/mostly-gone.csv'), syncOptions({ maxEndedShare: 1 })),
    );
    expect(error.code).to.equal('sync.implausible');
    expect(error.message).to.match(/1 rows, 16.7% of the last applied dump's 6/);
  });

  it('applies an implausible dump with --force and says which guards it overrode', async () => {
    const report = await runSync(db, dump('valid/mostly-gone.csv'), syncOptions({ force: true }));

    expect(report.outcome).to.equal('applied');
    expect(report.enrolments.ended).to.equal(4);
    expect(report.guards.overridden).to.have.length(2);
    expect(await db('sync_runs').where({ id: report.runId }).first('forced')).to.satisfy(
      (row: { forced: unknown }) => Boolean(row.forced),
    );
  });
});

describe('sync: faulty dumps change nothing', () => {
  let db: Db;
  let before: Record<string, unknown[]>;
  beforeEach(async () => {
    db = await freshDb();
    await runSync(db, dump('valid/night-1.csv'), syncOptions());
    before = await snapshot(db);
  });
  afterEach(async () => {
    await db.destroy();
  });

  const fileFaults: [string, string][] = [
    ['invalid/empty.csv', 'dump.empty'],
    ['invalid/empty.csv.gz', 'dump.empty'],
    ['invalid/header-only.csv', 'dump.empty'],
    ['invalid/wrong-header.csv', 'dump.header'],
    ['invalid/latin1.csv', 'dump.encoding'],
    ['invalid/truncated.csv.gz', 'dump.truncated'],
    ['invalid/no-final-newline.csv', 'dump.truncated'],
    ['invalid/unclosed-quote.csv', 'dump.malformed'],
  ];
  for (const [file, code] of fileFaults) {
    it(`aborts ${file} with ${code}, nothing applied, run recorded as refused`, async () => {
      const error = await failureOf(runSync(db, dump(file), syncOptions()));
      expect(error.code).to.equal(code);
      expect(await snapshot(db)).to.deep.equal(before);
      const run = await db('sync_runs').orderBy('id', 'desc').first();
      expect(run).to.deep.include({ outcome: 'refused', error_code: code });
    });
  }

  const rowFaults: [string, string[]][] = [
    ['invalid/insz-check-digits.csv', ['3:row.insz']],
    ['invalid/impossible-date.csv', ['4:row.date']],
    ['invalid/end-before-start.csv', ['5:row.end_before_start']],
    ['invalid/duplicate-enrolment.csv', ['8:row.duplicate_enrolment:3']],
    ['invalid/unknown-kind.csv', ['6:row.kind_of_education']],
    ['invalid/duplicate-adjacent.csv', ['5:row.duplicate_enrolment:4']],
    ['invalid/duplicate-not-grouped.csv', ['5:row.duplicate_enrolment:4']],
    ['invalid/pupil-conflict.csv', ['4:row.pupil_conflict:3']],
    ['invalid/pupil-conflict-apart.csv', ['8:row.pupil_conflict:2']],
    ['invalid/many-faults.csv', ['2:row.date', '3:row.gender']],
  ];
  for (const [file, expected] of rowFaults) {
    it(`refuses ${file}, naming ${expected.join(', ')}, nothing applied`, async () => {
      const error = await failureOf(runSync(db, dump(file), syncOptions()));

      expect(error).to.be.instanceOf(DumpRowsError);
      expect(error.code).to.equal('dump.row_invalid');
      const faults = (error as DumpRowsError).faults.map(
        (f) => `${f.line}:${f.code}${f.otherLine ? `:${f.otherLine}` : ''}`,
      );
      expect(faults).to.deep.equal(expected);
      expect(error.message).to.include(`line ${expected[0]?.split(':')[0]}`);
      expect(error.message.startsWith(`${dump(file)}: `)).to.equal(true);
      expect(await snapshot(db)).to.deep.equal(before);
    });
  }

  it('reports a short row with its line number and field count, and applies none of the good rows', async () => {
    const fresh = await freshDb();
    try {
      const error = await failureOf(runSync(fresh, dump('invalid/short-row.csv'), syncOptions()));
      expect((error as DumpRowsError).faults[0]).to.deep.include({
        line: 7,
        code: 'row.columns',
        column: 'enrolment_date',
        found: 12,
        expected: 15,
      });
      expect(error.message).to.contain(
        'line 7: row.columns (12 fields where the header has 15; none from enrolment_date on)',
      );
      const three = await failureOf(
        runSync(fresh, dump('invalid/three-fields.csv'), syncOptions()),
      );
      expect((three as DumpRowsError).faults[0]).to.deep.include({ line: 2, code: 'row.columns' });
      expect(three.message).to.contain(
        'line 2: row.columns (3 fields where the header has 15; none from given_name on)',
      );
      expect(await fresh('pupils').count('* as n')).to.deep.equal([{ n: 0 }]);
    } finally {
      await fresh.destroy();
    }
  });
});

export type { SyncReport };

describe('sync: skipping pupils whose rows did not change', () => {
  /** What the store says, without UUIDs and timestamps. */
  async function mirrored(db: Db) {
    const pupils = await db('pupils').orderBy('discimus_id');
    const result: Record<string, unknown> = {};
    for (const p of pupils) {
      const enrolments = await enrolmentsOf(db, p.discimus_id);
      result[p.discimus_id] = {
        pupil: [p.insz, p.family_name, p.given_name, p.missing_since !== null],
        enrolments: enrolments.map((e) => [
          e.institution_number,
          e.start_date,
          e.administrative_group,
          e.end_date,
          e.missing_since !== null,
        ]),
      };
    }
    return result;
  }

  async function replay(files: string[]) {
    const db = await freshDb();
    try {
      for (const file of files) await runSync(db, dump(file), RELAXED);
      return await mirrored(db);
    } finally {
      await db.destroy();
    }
  }

  it('ends what an ungrouped night added once the pupil looks unchanged again', async () => {
    // night-2-apart has D1's two rows apart (the slower path, no dump hashes);
    // night-2-together has the same rows grouped (the fast path).
    const apart = await replay([
      'valid/night-1.csv',
      'valid/night-2-apart.csv',
      'valid/night-1.csv',
    ]);
    const together = await replay([
      'valid/night-1.csv',
      'valid/night-2-together.csv',
      'valid/night-1.csv',
    ]);

    expect(apart).to.deep.equal(together);
    // D1's second school, added on night 2, left the dump on night 3.
    const d1 = (apart.D1 as { enrolments: unknown[][] }).enrolments;
    expect(d1).to.deep.include(['100002', '2026-09-01', '3B', '2026-12-02', true]);
  });

  it('gives the same store whether a night is compared in full or skipped', async () => {
    const skipped = await replay(['valid/night-1.csv', 'valid/night-1.csv', 'valid/night-2.csv']);
    const direct = await replay(['valid/night-1.csv', 'valid/night-2.csv']);
    expect(skipped).to.deep.equal(direct);
  });
});
