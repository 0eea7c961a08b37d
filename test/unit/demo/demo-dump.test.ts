import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEMO_INSTITUTIONS, DEMO_PUPILS, writeDemoDump } from '../../../src/demo/index.js';
import { DUMP_COLUMNS } from '../../../src/sync/columns.js';
import { isValidInsz } from '../../../src/sync/insz.js';
import { ageOn, isCurrentOn } from '../../../src/util/calendar.js';

const TODAY = '2026-12-03';
const dir = mkdtempSync(join(tmpdir(), 'leerid-demo-'));

type Row = Record<(typeof DUMP_COLUMNS)[number], string>;

function rowsOf(text: string): Row[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  expect(header).to.equal(DUMP_COLUMNS.join(','));
  // Demo names never need quoting, so a plain split is exact here.
  return lines.map((line) => {
    const values = line.split(',');
    return Object.fromEntries(DUMP_COLUMNS.map((c, i) => [c, values[i]])) as Row;
  });
}

function isCurrent(row: Row): boolean {
  return isCurrentOn({ start_date: row.start_date, end_date: row.end_date || null }, TODAY);
}

describe('demo dump', () => {
  let rows: Row[];
  before(async () => {
    const out = join(dir, 'demo.csv');
    const { rows: count } = await writeDemoDump({ pupils: 3000, out, today: TODAY, seed: 3 });
    rows = rowsOf(readFileSync(out, 'utf8'));
    expect(rows).to.have.length(count);
  });

  it('is the same for the same seed and date, and gzip when the name ends in .gz', async () => {
    const out = join(dir, 'again.csv.gz');
    await writeDemoDump({ pupils: 3000, out, today: TODAY, seed: 3 });
    const again = gunzipSync(readFileSync(out)).toString('utf8');
    expect(rowsOf(again)).to.deep.equal(rows);
  });

  it('gives every INSZ valid check digits, birth dates from 2000 on included', () => {
    const withInsz = rows.filter((r) => r.insz);
    expect(withInsz.every((r) => isValidInsz(r.insz))).to.equal(true);
    expect(withInsz.some((r) => r.birth_date >= '2000')).to.equal(true);
    expect(rows.length - withInsz.length).to.be.greaterThan(0);
  });

  it('fits birth dates to the kind of education', () => {
    const range = { kleuter: [2, 5], lager: [6, 11], secundair: [12, 18] } as const;
    for (const row of rows) {
      const bounds = range[row.kind_of_education as keyof typeof range];
      if (!bounds) continue;
      const age = ageOn(row.birth_date, TODAY);
      expect(age, `${row.discimus_id} ${row.kind_of_education}`).to.be.within(bounds[0], bounds[1]);
    }
  });

  it('has pupils in two schools at once and ended enrolments', () => {
    const current = rows.filter(isCurrent);
    const schools = new Map<string, Set<string>>();
    for (const r of current) {
      schools.set(
        r.discimus_id,
        (schools.get(r.discimus_id) ?? new Set()).add(r.institution_number),
      );
    }
    expect([...schools.values()].filter((s) => s.size > 1).length).to.be.greaterThan(10);
    expect(rows.filter((r) => r.end_date && r.end_date < TODAY).length).to.be.greaterThan(50);
  });

  it('makes the four fixed demo pupils as documented', () => {
    const of = (id: string) => rows.filter((r) => r.discimus_id === id);
    const currentSchools = (id: string) =>
      of(id)
        .filter((r) =>
          isCurrentOn({ start_date: r.start_date, end_date: r.end_date || null }, TODAY),
        )
        .map((r) => r.institution_number);
    const [demo1, demo2] = DEMO_INSTITUTIONS.map((s) => s.number);

    expect(of(DEMO_PUPILS.inDemoSchool.discimusId)[0]).to.deep.include({
      given_name: 'Lotte',
      kind_of_education: 'secundair',
    });
    expect(currentSchools(DEMO_PUPILS.inDemoSchool.discimusId)).to.deep.equal([demo1]);
    expect(currentSchools(DEMO_PUPILS.inBothDemoSchools.discimusId)).to.deep.equal([demo1, demo2]);
    expect(currentSchools(DEMO_PUPILS.onlyEnded.discimusId)).to.deep.equal([]);
    expect(of(DEMO_PUPILS.onlyEnded.discimusId)).to.have.length(1);
    const other = currentSchools(DEMO_PUPILS.inOtherSchool.discimusId);
    expect(other).to.have.length(1);
    expect(other[0]).to.not.be.oneOf([demo1, demo2]);
  });
});
