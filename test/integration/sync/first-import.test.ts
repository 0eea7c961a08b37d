import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stagedRowsOf } from '../../../bench/lib/staged-rows.js';
import { mulberry32 } from '../../../src/demo/prng.js';
import { writeDemoDump } from '../../../src/demo/index.js';
import type { Db } from '../../../src/store/db.js';
import { createFirstImport, type FirstImportCounts } from '../../../src/sync/first-import.js';
import { runSync } from '../../../src/sync/index.js';
import { openSession } from '../../../src/sync/session.js';
import type { StagedRow } from '../../../src/sync/validate-row.js';
import { freshDb } from '../../helpers/db.js';
import { dump, NOW, syncOptions } from '../../helpers/sync.js';

const TODAY = '2026-12-03';
const HEADER =
  'discimus_id,insz,family_name,given_name,gender,birth_date,institution_number,' +
  'institution_name,location_number,stamnummer,kind_of_education,administrative_group,' +
  'enrolment_date,start_date,end_date';

/** A first import as the sync runs it: straight into the tables (worker thread on PostgreSQL). */
async function firstImport(db: Db, file: string): Promise<FirstImportCounts> {
  const report = await runSync(db, file, syncOptions());
  expect(report.reading).to.equal('first-import');
  return {
    pupils: report.pupils.new,
    enrolments: report.enrolments.new,
    accountsCreated: report.accounts.created,
    institutionsNew: report.institutions.new,
    locationsNew: report.locations.new,
  };
}

/** The mirrored tables with the random UUIDs replaced by Discimus ids. */
async function store(db: Db) {
  const pupils = await db('pupils').select('*').orderBy('discimus_id');
  const idOf = new Map(pupils.map((p) => [p.id as string, p.discimus_id as string]));
  const withoutIds = (rows: Record<string, unknown>[]) =>
    rows.map(({ id: _id, pupil_id: pupilId, ...rest }) => ({
      ...rest,
      ...(pupilId === undefined ? {} : { pupil: idOf.get(pupilId as string) }),
    }));
  const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

  return {
    pupils: withoutIds(pupils),
    enrolments: sorted(withoutIds(await db('enrolments').select('*'))),
    accounts: sorted(withoutIds(await db('accounts').select('*'))),
    institutions: await db('institutions').select('*').orderBy('institution_number'),
    locations: await db('locations').select('*').orderBy(['institution_number', 'location_number']),
    usernameCounters: await db('username_counters').select('*').orderBy('base'),
  };
}

/** Imports `file` both ways into two fresh stores (prepared alike) and compares them. */
async function compareWithSync(file: string, prepare: (db: Db) => Promise<void> = async () => {}) {
  const reference = await freshDb();
  const { report, expected } = await (async () => {
    try {
      await prepare(reference);
      const report = await runSync(reference, file, syncOptions({ stagedFirstImport: true }));
      return { report, expected: await store(reference) };
    } finally {
      await reference.destroy();
    }
  })();

  const db = await freshDb();
  try {
    await prepare(db);
    const counts = await firstImport(db, file);
    const actual = await store(db);
    const hashes = new Map(
      (await db('pupils').select('discimus_id', 'dump_hash')).map((p) => [
        p.discimus_id as string,
        p.dump_hash as string | null,
      ]),
    );
    for (const table of Object.keys(expected) as (keyof typeof expected)[]) {
      expect(actual[table], table).to.deep.equal(expected[table]);
    }
    expect(counts).to.deep.equal({
      pupils: report.pupils.new,
      enrolments: report.enrolments.new,
      accountsCreated: report.accounts.created,
      institutionsNew: report.institutions.new,
      locationsNew: report.locations.new,
    });
    return { counts, actual, hashes };
  } finally {
    await db.destroy();
  }
}

/** A dump of the given rows under our header; returns `file`. */
function writeDump(file: string, rows: string[]): string {
  writeFileSync(file, `${[HEADER, ...rows].join('\n')}\n`);
  return file;
}

/** A dump's pupils in a shuffled order, each pupil's rows still together. */
function shuffledPupils(source: string, out: string, seed: number): void {
  const [header, ...lines] = readFileSync(source, 'utf8').trimEnd().split('\n');
  const pupils = new Map<string, string[]>();
  for (const line of lines) {
    const id = line.slice(0, line.indexOf(','));
    pupils.set(id, [...(pupils.get(id) ?? []), line]);
  }
  const groups = [...pupils.values()];
  const random = mulberry32(seed);
  for (let i = groups.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [groups[i], groups[j]] = [groups[j] as string[], groups[i] as string[]];
  }
  writeFileSync(out, `${[header, ...groups.flat()].join('\n')}\n`);
}

describe('sync: first import straight into the final tables', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'leerid-first-import-test-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes what the staging path writes for the fixture dump', async () => {
    const { counts, hashes } = await compareWithSync(dump('valid/night-1.csv'));
    const runHashes = new Map<string, boolean>();
    for await (const batch of stagedRowsOf(dump('valid/night-1.csv'), TODAY)) {
      for (const row of batch) {
        // Only a pupil that gets an account keeps a hash (it may be skipped later).
        if (row.pupilFirst) runHashes.set(row.discimusId, Boolean(row.pupilHasCurrent));
      }
    }
    const kept = [...hashes].map(([id, hash]) => [id, hash !== null] as const);
    expect(new Map(kept.sort())).to.deep.equal(new Map([...runHashes].sort()));
    for (const hash of hashes.values()) if (hash) expect(hash).to.match(/^.{5}[A-Za-z0-9+/]{11}$/);
    expect(counts).to.deep.equal({
      pupils: 5,
      enrolments: 6,
      accountsCreated: 4,
      institutionsNew: 3,
      locationsNew: 3,
    });
  });

  it('sends a dump out of Discimus id order down the staging path, with the same result', async () => {
    const demo = join(dir, 'demo.csv');
    await writeDemoDump({ pupils: 3000, out: demo, today: TODAY, seed: 3 });
    const shuffled = join(dir, 'shuffled.csv');
    shuffledPupils(demo, shuffled, 11);

    const stores = [];
    for (const stagedFirstImport of [true, false]) {
      const db = await freshDb();
      try {
        const report = await runSync(db, shuffled, syncOptions({ stagedFirstImport }));
        expect(report.reading).to.equal('full');
        stores.push(await store(db));
      } finally {
        await db.destroy();
      }
    }
    const [staged, direct] = stores as [Awaited<ReturnType<typeof store>>, unknown];
    expect(direct).to.deep.equal(staged);
    expect(staged.usernameCounters.some((c) => Number(c.taken) > 2)).to.equal(true);
  });

  it('numbers usernames as the pupils pass when the dump is in Discimus id order', async () => {
    const demo = join(dir, 'in-order.csv');
    await writeDemoDump({ pupils: 3000, out: demo, today: TODAY, seed: 5 });
    const base = async (db: Db) => {
      // A base the dump uses, numbered before (its pupils left the store since).
      const [first] = (await db('username_counters').select('base')) as { base: string }[];
      expect(first).to.equal(undefined);
      await db('username_counters').insert({ base: 'lotte.janssens', taken: 7 });
    };
    const { actual } = await compareWithSync(demo, base);
    const usernames = actual.accounts.map((a) => JSON.parse(a).username as string);
    expect(usernames).to.include('lotte.janssens8');
    expect(usernames).not.to.include('lotte.janssens');
  });

  it('numbers after username_counters, keeps known schools, escapes, orders names as bytes', async () => {
    const file = writeDump(join(dir, 'tricky.csv'), [
      // In Discimus id order as bytes (D10 before D9), as the direct path needs.
      'D07,,Janssens,Lotte,V,2012-01-04,100004,,200004,4,lager,5A,2025-06-01,2025-09-01,2026-06-30',
      'D08,,Janssens,Lotte,V,2012-01-03,100004,"School \u{1F600}",200005,3,lager,5A,2026-06-01,2026-09-01,',
      'D10,,"Back\\slash","Tab bed",M,2012-01-02,100001,Atheneum,200001,2,lager,5A,2026-06-01,2026-09-01,',
      'D10,,"Back\\slash","Tab bed",M,2012-01-02,100004,"School \uFF21",200004,2,lager,"5\\B",2026-06-01,2026-09-01,',
      'D11,,Peeters,Jan,M,2012-01-05,100005,,200006,5,lager,5A,2026-06-01,2026-09-01,',
      'D12,,Peeters,Jan,M,2012-01-05,100006,Nieuw,200007,5,lager,5A,2026-06-01,2026-09-01,',
      'D9,,Janssens,Lotte,V,2012-01-01,100001,,200001,1,lager,5A,2026-06-01,2026-09-01,',
    ]);
    const prepare = async (db: Db) => {
      await db('username_counters').insert({ base: 'lotte.janssens', taken: 3 });
      await db('institutions').insert([
        { institution_number: '100001', name: 'Oud' },
        { institution_number: '100005', name: 'Blijft' },
        { institution_number: '100006', name: null },
      ]);
      await db('locations').insert({ institution_number: '100001', location_number: '200001' });
    };
    const { actual, counts } = await compareWithSync(file, prepare);

    expect(actual.accounts.map((a) => JSON.parse(a).username).sort()).to.deep.equal([
      'jan.peeters',
      'jan.peeters2',
      'lotte.janssens4',
      'lotte.janssens5',
      'tabbed.backslash',
    ]);
    expect(actual.institutions).to.deep.include({
      institution_number: '100004',
      name: 'School \u{1F600}',
    });
    expect(
      actual.pupils.find((p) => (p as { discimus_id?: string }).discimus_id === 'D10'),
    ).to.include({
      given_name: 'Tab bed',
      family_name: 'Back\\slash',
    });
    expect(counts).to.include({ institutionsNew: 1, locationsNew: 4 });
  });

  it('refuses a dump with a bad row deep inside, leaving the store empty, then imports', async () => {
    const demo = join(dir, 'bad-row.csv');
    await writeDemoDump({ pupils: 20_000, out: demo, today: TODAY, seed: 9 });
    const lines = readFileSync(demo, 'utf8').trimEnd().split('\n');
    const at = lines.length - 100;
    const fields = (lines[at] as string).split(',');
    fields[1] = '12345678901'; // fails the INSZ check digits
    const bad = join(dir, 'bad-row-broken.csv');
    writeFileSync(
      bad,
      `${[...lines.slice(0, at), fields.join(','), ...lines.slice(at + 1)].join('\n')}\n`,
    );

    const db = await freshDb();
    try {
      let failure: (Error & { code?: string }) | undefined;
      await runSync(db, bad, syncOptions()).catch((error: Error) => (failure = error));
      expect(failure?.code).to.equal('dump.row_invalid');
      expect(failure?.message).to.contain(`line ${at + 1}: row.insz`);
      for (const table of ['pupils', 'enrolments', 'accounts', 'username_counters']) {
        const [row] = await db(table).count({ n: '*' });
        expect(Number(row?.n), table).to.equal(0);
      }
      const counts = await firstImport(db, demo);
      expect(counts.pupils).to.equal(20_000);
    } finally {
      await db.destroy();
    }
  });

  it('reads a run whose parsed id differs from the scanned one again in full', async () => {
    // The scanner trims spaces and tabs around an id; the parser all white space.
    const file = writeDump(join(dir, 'ids.csv'), [
      'D1,,Janssens,Lotte,V,2012-01-01,100001,,200001,1,lager,5A,2026-06-01,2026-09-01,',
      'D2\u000b,,Peeters,Jan,M,2012-01-05,100005,,200006,5,lager,5A,2026-06-01,2026-09-01,',
    ]);
    const db = await freshDb();
    try {
      const report = await runSync(db, file, syncOptions());
      expect(report.reading).to.equal('full');
      expect(await db('pupils').orderBy('discimus_id').pluck('discimus_id')).to.deep.equal([
        'D1',
        'D2',
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses rows that do not start with a pupil (SQLite writer)', async function () {
    const db = await freshDb();
    if (db.client.config.client === 'pg') {
      await db.destroy();
      this.skip();
    }
    const session = await openSession(db);
    try {
      await session.begin();
      const writer = await createFirstImport(session, { nowMs: NOW.getTime(), today: TODAY });
      const { value: batch } = await stagedRowsOf(dump('valid/night-1.csv'), TODAY).next();
      const row = { ...(batch?.[0] as StagedRow), pupilFirst: 0 };
      expect(() => writer.push(row)).to.throw(/grouped/);
      await writer.abort(new Error('refused'));
      await session.rollback();
    } finally {
      await session.release();
      await db.destroy();
    }
  });
});
