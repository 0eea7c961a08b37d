import { expect } from 'chai';
import { DUMP_COLUMNS } from '../../../src/sync/columns.js';
import type { FieldCount } from '../../../src/sync/dump-reader.js';
import { describeFault, FaultList } from '../../../src/sync/row-faults.js';
import { validateRow } from '../../../src/sync/validate-row.js';

const GOOD: Record<string, string> = {
  discimus_id: 'D1',
  insz: '11071116211',
  family_name: 'Janssens',
  given_name: 'Lotte',
  gender: 'V',
  birth_date: '2011-07-11',
  institution_number: '100001',
  institution_name: 'Atheneum',
  location_number: '200001',
  stamnummer: '5001',
  kind_of_education: 'secundair',
  administrative_group: '3A',
  enrolment_date: '2026-06-15',
  start_date: '2026-09-01',
  end_date: '',
};

function check(changes: Record<string, string>, columnsOk = true) {
  const row = { ...GOOD, ...changes };
  const faults = new FaultList();
  const values = DUMP_COLUMNS.map((c) => row[c] as string);
  const staged = validateRow(
    { line: 7, values, columnsOk },
    { today: '2026-12-03', usernameScheme: 'given.family' },
    faults,
  );
  return { staged, faults: faults.sorted().map((f) => `${f.line}:${f.code}:${f.column ?? ''}`) };
}

describe('validateRow', () => {
  it('makes the username base by the configured scheme, never from the INSZ', () => {
    const base = (usernameScheme: 'given.family' | 'given.f' | 'givenfamily') => {
      const values = DUMP_COLUMNS.map((c) => GOOD[c] as string);
      const rules = { today: '2026-12-03', usernameScheme };
      return validateRow({ line: 7, values, columnsOk: true }, rules, new FaultList())
        ?.usernameBase;
    };
    expect([base('given.family'), base('given.f'), base('givenfamily')]).to.deep.equal([
      `${ascii(GOOD.given_name)}.${ascii(GOOD.family_name)}`,
      `${ascii(GOOD.given_name)}.${ascii(GOOD.family_name).slice(0, 1)}`,
      `${ascii(GOOD.given_name)}${ascii(GOOD.family_name)}`,
    ]);
  });

  it('stages a good row with trimmed values, hashes and a username base', () => {
    const { staged, faults } = check({ family_name: ' Van den Broeck ', given_name: 'Zoë' });
    expect(faults).to.deep.equal([]);
    expect(staged?.familyName).to.equal('Van den Broeck');
    expect(staged?.usernameBase).to.equal('zoe.vandenbroeck');
    expect(staged?.endDate).to.equal(null);
    expect(staged?.pupilHash).to.match(/^[A-Za-z0-9+/]{16}$/);
  });

  it('gives a different pupil hash when the INSZ is corrected', () => {
    const a = check({}).staged;
    const b = check({ insz: '85073003328' }).staged;
    expect(a?.pupilHash).to.not.equal(b?.pupilHash);
    expect(a?.enrolmentHash).to.equal(b?.enrolmentHash);
  });

  it('accepts an empty INSZ and stores null', () => {
    expect(check({ insz: '' }).staged?.insz).to.equal(null);
  });

  const cases: [string, Record<string, string>, string][] = [
    ['invalid INSZ check digits', { insz: '11071116212' }, '7:row.insz:insz'],
    ['an impossible date', { start_date: '2026-02-30' }, '7:row.date:start_date'],
    ['a date in another notation', { enrolment_date: '15/06/2026' }, '7:row.date:enrolment_date'],
    ['an end before the start', { end_date: '2026-08-31' }, '7:row.end_before_start:end_date'],
    [
      'an unknown kind of education',
      { kind_of_education: 'hoger' },
      '7:row.kind_of_education:kind_of_education',
    ],
    ['an unknown gender', { gender: 'F' }, '7:row.gender:gender'],
    ['a birth date in the future', { birth_date: '2027-01-01' }, '7:row.birth_date:birth_date'],
    ['a missing family name', { family_name: '  ' }, '7:row.required:family_name'],
    [
      'a letter in an institution number',
      { institution_number: '10A001' },
      '7:row.number:institution_number',
    ],
    ['a bad Discimus id', { discimus_id: 'D 1' }, '7:row.discimus_id:'],
    [
      'an overlong group',
      { administrative_group: 'x'.repeat(65) },
      '7:row.too_long:administrative_group',
    ],
  ];
  for (const [what, changes, expected] of cases) {
    it(`rejects ${what}`, () => {
      const { staged, faults } = check(changes);
      expect(staged).to.equal(null);
      expect(faults).to.deep.equal([expected]);
    });
  }

  it('rejects a row with the wrong number of fields', () => {
    expect(check({}, false).faults).to.deep.equal(['7:row.columns:']);
  });

  it('says how many fields a short or long row has, and where a short one runs out', () => {
    const fault = (fieldCount: FieldCount) => {
      const faults = new FaultList();
      const values = DUMP_COLUMNS.map((c) => GOOD[c] as string);
      const rules = { today: '2026-12-03', usernameScheme: 'given.family' as const };
      validateRow({ line: 7, values, columnsOk: false, fieldCount }, rules, faults);
      return describeFault(faults.sorted()[0]!);
    };
    expect(fault({ found: 13, expected: 15, firstMissing: 'start_date' })).to.equal(
      'line 7: row.columns (13 fields where the header has 15; none from start_date on)',
    );
    expect(fault({ found: 16, expected: 15 })).to.equal(
      'line 7: row.columns (16 fields where the header has 15)',
    );
  });

  const controls: [string, Record<string, string>, string][] = [
    ['a NUL byte in a name', { family_name: 'Nul\u0000Byte' }, 'family_name'],
    ['an ANSI escape sequence', { given_name: 'Esc\u001b[31mRed' }, 'given_name'],
    ['a line feed inside a quoted name', { family_name: 'Van\nDamme' }, 'family_name'],
    ['a carriage return inside a value', { stamnummer: '50\r01' }, 'stamnummer'],
    ['a tab inside a name', { given_name: 'Lot\tte' }, 'given_name'],
    ['DEL', { institution_name: 'Atheneum\u007f' }, 'institution_name'],
    ['a C1 control (CSI)', { administrative_group: '3\u009bA' }, 'administrative_group'],
    ['a C1 control (NEL) in the INSZ', { insz: '11071116211\u0085' }, 'insz'],
  ];
  for (const [what, changes, column] of controls) {
    it(`rejects ${what}, naming the column`, () => {
      const { staged, faults } = check(changes);
      expect(staged).to.equal(null);
      expect(faults).to.include(`7:row.control_character:${column}`);
    });
  }

  it('accepts tabs and line breaks around a value: trimmed, they never reach the store', () => {
    const { staged, faults } = check({ given_name: '\tLotte\r\n', family_name: '\nJanssens' });
    expect(faults).to.deep.equal([]);
    expect([staged?.givenName, staged?.familyName]).to.deep.equal(['Lotte', 'Janssens']);
  });
});

function ascii(name: string | undefined): string {
  return (name ?? '')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
