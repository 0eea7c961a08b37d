import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../src/store/db.js';
import { runSync } from '../../../src/sync/index.js';
import { freshDb } from '../../helpers/db.js';
import { dump, snapshot, syncOptions } from '../../helpers/sync.js';

/** The fixtures are tiny, so one changed row is a large share: relax the guards. */
const RELAXED = syncOptions({ maxEndedShare: 0.5, minSizeRatio: 0.5 });
const NIGHT_1 = readFileSync(dump('valid/night-1.csv'), 'utf8');
const [HEADER, ...ROWS] = NIGHT_1.trimEnd().split('\n') as [string, ...string[]];

const dir = mkdtempSync(join(tmpdir(), 'leerid-triage-'));
let files = 0;
function write(lines: string[]): string {
  const file = join(dir, `dump-${++files}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The store without what differs between two correct runs: UUIDs and timestamps. */
async function contents(db: Db) {
  const tables = await snapshot(db);
  const ids = new Map(
    (tables.pupils as { id: string; discimus_id: string }[]).map((p) => [p.id, p.discimus_id]),
  );
  const strip = (row: Record<string, unknown>) => {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (/(_at|^id|^dump_hash)$/.test(key)) continue;
      kept[key] = key === 'pupil_id' ? ids.get(value as string) : value;
    }
    return kept;
  };
  const sorted = (rows: unknown[]) =>
    rows
      .map((r) => strip(r as Record<string, unknown>))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, sorted(rows)]));
}

describe('sync: the triage of unchanged pupils', () => {
  let db: Db;
  beforeEach(async () => {
    db = await freshDb();
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('skips every pupil of a dump applied before, and writes nothing', async () => {
    const first = await runSync(db, dump('valid/night-1.csv'), RELAXED);
    expect(first.pupils.unchanged).to.equal(0);
    const before = await snapshot(db);

    // D3's only enrolment has ended: without an account it is always looked at.
    const again = await runSync(db, dump('valid/night-1.csv'), RELAXED);
    expect(again.pupils).to.deep.include({ inDump: 5, unchanged: 4, new: 0, changed: 0, gone: 0 });
    expect(await snapshot(db)).to.deep.equal(before);
  });

  it('skips nothing when the header changes, even if every value stays the same', async () => {
    // The same rows with two columns swapped: the bytes mean something else now.
    const swap = (line: string) => {
      const fields = line.split(',');
      [fields[2], fields[3]] = [fields[3] as string, fields[2] as string];
      return fields.join(',');
    };
    await runSync(db, write([HEADER, ...ROWS]), RELAXED);
    const before = await contents(db);

    const report = await runSync(db, write([HEADER, ...ROWS].map(swap)), RELAXED);
    expect(report.pupils).to.deep.include({ unchanged: 0, changed: 0, new: 0, gone: 0 });
    expect(await contents(db)).to.deep.equal(before);
  });

  it('gives a pupil its account on the day its enrolment starts, with the dump unchanged', async () => {
    const later = (ROWS[4] as string).replace('D4,', 'D9,').replace('2026-09-01', '2026-12-10');
    const file = write([HEADER, ...ROWS, later]);

    const first = await runSync(db, file, RELAXED);
    expect(first.accounts.created).to.equal(4);
    const day = syncOptions({ ...RELAXED, now: new Date('2026-12-10T10:00:00Z') });
    const next = await runSync(db, file, day);

    expect(next.accounts.created).to.equal(1);
    expect(next.pupils.unchanged).to.equal(4);
    const d9 = await db('pupils').where({ discimus_id: 'D9' }).first();
    expect(await db('accounts').where({ pupil_id: d9.id }).first()).to.include({
      status: 'active',
    });
  });

  it('reads a dump whose rows are not grouped again in full, with the same result', async () => {
    const apart = [HEADER, ROWS[1], ROWS[0], ROWS[3], ROWS[2], ROWS[4], ROWS[5]] as string[];
    const changed = apart.map((row) => row.replace('3A,2026-06-15', '3C,2026-06-15'));
    await runSync(db, write([HEADER, ...ROWS]), RELAXED);
    const report = await runSync(db, write(changed), RELAXED);

    const direct = await freshDb();
    try {
      await runSync(direct, write(changed), RELAXED);
      expect(report.pupils).to.deep.include({ unchanged: 0, inDump: 5 });
      expect(await contents(db)).to.deep.equal(await contents(direct));
    } finally {
      await direct.destroy();
    }
  });

  it('finds gone, new and changed pupils among skipped ones, quoted values included', async () => {
    const quoted = (ROWS[5] as string).replace('Janssens', '"Janssens, ""Jr"""');
    await runSync(db, write([HEADER, ...ROWS.slice(0, 5), quoted]), RELAXED);

    const d2Moved = (ROWS[1] as string).replace(',3B,', ',4B,');
    const d6 = (ROWS[0] as string).replace('D1,', 'D6,').replace('11071116211', '');
    const night = [HEADER, ROWS[0], d2Moved, ROWS[2], ROWS[4], quoted, d6] as string[];
    const report = await runSync(db, write(night), RELAXED);

    expect(report.pupils).to.deep.include({ inDump: 5, unchanged: 3, new: 1, gone: 1 });
    expect(report.enrolments).to.deep.include({ changed: 1, new: 1 });
    const direct = await freshDb();
    try {
      await runSync(direct, write([HEADER, ...ROWS.slice(0, 5), quoted]), RELAXED);
      await runSync(direct, write(night), { ...RELAXED, force: true });
      expect(await contents(db)).to.deep.equal(await contents(direct));
    } finally {
      await direct.destroy();
    }
  });

  it('imports a first dump straight into the tables as the staging path does', async () => {
    const file = write([HEADER, ...ROWS, (ROWS[0] as string).replace('D1,', 'D0,')]);
    const report = await runSync(db, file, RELAXED);

    const staged = await freshDb();
    try {
      const reference = await runSync(staged, file, { ...RELAXED, stagedFirstImport: true });
      expect({ ...report, durationMs: 0, runId: 0 }).to.deep.equal({
        ...reference,
        durationMs: 0,
        runId: 0,
      });
      expect(await contents(db)).to.deep.equal(await contents(staged));
      const hashes = await db('pupils').whereNotNull('dump_hash').count({ n: '*' });
      const expected = await staged('pupils').whereNotNull('dump_hash').count({ n: '*' });
      expect(Number(hashes[0]?.n)).to.equal(Number(expected[0]?.n)).and.equal(5);
    } finally {
      await staged.destroy();
    }
  });
});
