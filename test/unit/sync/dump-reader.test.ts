import { expect } from 'chai';
import {
  openDump,
  toRecords,
  type DumpRecord,
  type DumpShape,
} from '../../../src/sync/dump-reader.js';
import { parseCsv } from '../../../src/sync/csv.js';
import { DEFAULT_MAPPING, loadColumnMapping } from '../../../src/sync/mapping.js';
import { dump } from '../../helpers/sync.js';

async function readAll(file: string, mapping = DEFAULT_MAPPING): Promise<DumpRecord[]> {
  const reader = await openDump(file, mapping);
  const records: DumpRecord[] = [];
  let shape: DumpShape | undefined;
  await reader.scan({
    begin: (s) => void (shape = s),
    run: (bytes, _id, lines) => void records.push(...toRecords(shape!, bytes, lines)),
    drain: () => {},
  });
  return records;
}

async function faultOf(file: string): Promise<string> {
  try {
    await readAll(file);
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error(`${file} was read without a fault`);
}

describe('dump reader', () => {
  it('reads rows with their file line numbers (the header is line 1)', async () => {
    const records = await readAll(dump('valid/night-1.csv'));
    expect(records.map((r) => r.line)).to.deep.equal([2, 3, 4, 5, 6, 7]);
    expect(records[0]?.values[0]).to.equal('D1');
  });

  it('detects gzip by its magic bytes and reads the same rows', async () => {
    const plain = await readAll(dump('valid/night-1.csv'));
    const gzip = await readAll(dump('valid/night-1.csv.gz'));
    expect(gzip).to.deep.equal(plain);
  });

  it('computes a sha256 checksum of the file as stored', async () => {
    const reader = await openDump(dump('valid/night-1.csv'), DEFAULT_MAPPING);
    await reader.scan({ begin: () => {}, run: () => {}, drain: () => {} });
    expect(reader.stats.checksum).to.match(/^[0-9a-f]{64}$/);
  });

  it('maps other header names and a semicolon delimiter through the mapping file', async () => {
    const mapping = loadColumnMapping(dump('valid/mapped.mapping.json'));
    const records = await readAll(dump('valid/mapped.csv'), mapping);
    expect(records).to.have.length(2);
    expect(records[0]?.values.slice(0, 4)).to.deep.equal([
      'D1',
      '11.07.11-162.11',
      'Janssens',
      'Lotte',
    ]);
    expect(records[0]?.values[7]).to.equal('Atheneum Leerstad');
    expect(records.map((r) => r.line)).to.deep.equal([2, 3]);
    expect(records[1]?.values[2]).to.equal('Claes; jr');
  });

  it('rejects a mapping onto a column we do not have', () => {
    expect(() => loadColumnMapping(dump('valid/night-1.csv')))
      .to.throw()
      .with.property('code', 'dump.mapping');
  });

  const faults: [string, string][] = [
    ['invalid/empty.csv', 'dump.empty'],
    ['invalid/header-only.csv', 'dump.empty'],
    ['invalid/wrong-header.csv', 'dump.header'],
    ['invalid/latin1.csv', 'dump.encoding'],
    ['invalid/truncated.csv.gz', 'dump.truncated'],
    ['invalid/no-final-newline.csv', 'dump.truncated'],
    ['invalid/unclosed-quote.csv', 'dump.malformed'],
    ['invalid/does-not-exist.csv', 'dump.unreadable'],
  ];
  for (const [file, code] of faults) {
    it(`fails ${file} with ${code}`, async () => {
      expect(await faultOf(dump(file))).to.equal(code);
    });
  }

  it('splits records without quotes exactly as the CSV parser reads them', () => {
    const pieces = ['', ' ', 'a b', 'é', 'Ω', '\r', '\t', ';', 'x\ry', '  z  '];
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      const fields = Array.from({ length: 1 + (i % 5) }, (_, k) => pieces[(i * 7 + k * 3) % 10]);
      lines.push(fields.join(',') + (i % 3 === 0 ? '\r\n' : '\n'));
    }
    const bytes = Buffer.from(lines.join(''));
    const numbers = lines.map((_, i) => i + 2);
    const shape: DumpShape = {
      delimiter: ',',
      positions: [0, 1, 2, 3, 4],
      width: 5,
      inOrder: false,
      fingerprint: 'x',
    };

    const split = toRecords(shape, bytes, numbers);
    const parsed = toRecords(shape, Buffer.concat([bytes, Buffer.from('"q"\n')]), [
      ...numbers,
      999,
    ]).slice(0, -1);
    expect(split).to.deep.equal(parsed);
    expect(parseCsv(bytes, ',', 2)).to.have.length(200);
  });

  describe('records as toRecords hands them to the row check', () => {
    const shape: DumpShape = {
      delimiter: ',',
      positions: [0, 1, 2],
      width: 3,
      inOrder: true,
      fingerprint: 'x',
    };
    const read = (text: string) =>
      toRecords(shape, Buffer.from(text), [2, 3]).map((r) => r.controlFree);

    it('vouches for unquoted records without control characters, CR LF endings included', () => {
      expect(read('a,b,c\r\nd,é,f\n')).to.deep.equal([true, true]);
    });

    for (const [what, value] of [
      ['NUL', '\u0000'],
      ['ESC', '\u001b'],
      ['a tab', '\t'],
      ['a lone CR', '\r'],
      ['DEL', '\u007f'],
      ['a C1 control', '\u0085'],
    ]) {
      it(`leaves records holding ${what} to the check of each value`, () => {
        expect(read(`a,b${value}b,c\nd,e,f\n`)).to.deep.equal([false, false]);
      });
    }

    it('leaves quoted records, which may hold a line break, to the check of each value', () => {
      expect(read('a,"b",c\nd,e,f\n')).to.deep.equal([false, false]);
    });

    it('counts the fields of a short or long row, naming the first column left empty', () => {
      const mapped: DumpShape = { ...shape, positions: [2, 0, 1], inOrder: false };
      const records = toRecords(mapped, Buffer.from('a\na,b,c,d\n'), [2, 3]);
      expect(records.map((r) => [r.columnsOk, r.fieldCount])).to.deep.equal([
        [false, { found: 1, expected: 3, firstMissing: 'family_name' }],
        [false, { found: 4, expected: 3, firstMissing: undefined }],
      ]);
    });
  });

  it('names the line and the byte of text that is not UTF-8, and the file', async () => {
    const file = dump('invalid/latin1.csv');
    const error = await readAll(file).catch((e: Error) => e);
    expect(error).to.have.property('code', 'dump.encoding');
    expect((error as Error).message).to.equal(
      `${file}: line 2: not valid UTF-8 (byte 248 of the uncompressed text)`,
    );
  });
});
