import { expect } from 'chai';
import { DumpScanner, MAX_RECORD_BYTES } from '../../../src/sync/dump-scanner.js';

interface Run {
  id: string;
  text: string;
  lines: number[];
}

/** Scans `text` pushed in pieces of `piece` bytes; returns the header and the runs. */
function scan(text: string | Buffer, piece = 1 << 20, delimiter = ',') {
  const runs: Run[] = [];
  let header: string[] = [];
  const scanner = new DumpScanner(delimiter, {
    header(fields) {
      header = fields;
      return fields.indexOf('id');
    },
    run: (bytes, id, lines) => void runs.push({ id, text: bytes.toString(), lines: [...lines] }),
  });
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  for (let at = 0; at < bytes.length; at += piece) scanner.push(bytes.subarray(at, at + piece));
  scanner.end();
  return { header, runs, records: scanner.records };
}

function faultOf(work: () => unknown): { code: string; message: string } {
  try {
    work();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a fault');
}

const DUMP = [
  'name,id,group',
  'Lotte,D1,3A',
  'Lotte,D1,3B',
  '"Claes, jr",D2,"1',
  'A"',
  '',
  '"Noor ""N""",D3,2A',
  'Arthur,D4,1A',
  '',
].join('\n');

describe('DumpScanner', () => {
  it('groups adjacent records of one id into a run, with each record’s line', () => {
    const { header, runs, records } = scan(DUMP);
    expect(header).to.deep.equal(['name', 'id', 'group']);
    expect(records).to.equal(5);
    expect(runs).to.deep.equal([
      { id: 'D1', text: 'Lotte,D1,3A\nLotte,D1,3B\n', lines: [2, 3] },
      { id: 'D2', text: '"Claes, jr",D2,"1\nA"\n', lines: [4] },
      { id: 'D3', text: '"Noor ""N""",D3,2A\n', lines: [7] },
      { id: 'D4', text: 'Arthur,D4,1A\n', lines: [8] },
    ]);
  });

  it('gives the same runs whatever the chunk boundaries', () => {
    const whole = scan(DUMP);
    for (const piece of [1, 2, 3, 5, 7, 13]) expect(scan(DUMP, piece)).to.deep.equal(whole);
  });

  it('skips a byte-order mark, keeps CRLF inside the run bytes and trims spaces around ids', () => {
    const text = '\ufeffname,id\r\nA, D1 \r\nB,D1\r\n';
    for (const piece of [1, 4]) {
      const { header, runs } = scan(text, piece);
      expect(header).to.deep.equal(['name', 'id']);
      expect(runs).to.deep.equal([{ id: 'D1', text: 'A, D1 \r\nB,D1\r\n', lines: [2, 3] }]);
    }
  });

  it('ends a run at a blank line, so a pupil continued after it shows as split', () => {
    const { runs } = scan('name,id\nA,D1\n\nB,D1\n');
    expect(runs.map((r) => [r.id, r.lines])).to.deep.equal([
      ['D1', [2]],
      ['D1', [4]],
    ]);
  });

  it('reads the id of a quoted record with the CSV parser, on another delimiter', () => {
    const { runs } = scan('name;id\n"A;B";"D7"\n', 1 << 20, ';');
    expect(runs.map((r) => r.id)).to.deep.equal(['D7']);
  });

  it('names the line of a malformed quoted record', () => {
    const fault = faultOf(() => scan('name,id\nA,D1\nB"x,D2\nC,D3\n"\n'));
    expect(fault.code).to.equal('dump.malformed');
    expect(fault.message).to.match(/^line 3: /);
  });

  it('names the line where a quote is left open to the end of the file', () => {
    const fault = faultOf(() => scan('name,id\nA,D1\n"B,D2\nC,D3\n'));
    expect(fault.code).to.equal('dump.malformed');
    expect(fault.message).to.match(/^line 3: a quoted value is never closed/);
  });

  it('refuses a record longer than the limit without holding the rest of the file', () => {
    const long = `name,id\nA,D1\n"${'x'.repeat(MAX_RECORD_BYTES + 10)}`;
    const fault = faultOf(() => scan(long, 64 * 1024));
    expect(fault.code).to.equal('dump.malformed');
    expect(fault.message).to.match(/^line 3: a record runs on for more than 1 MiB/);
  });
});
