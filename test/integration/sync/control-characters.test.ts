/**
 * Control characters in dump values are row faults, found on the first
 * import (on PostgreSQL: the worker thread and COPY straight into the
 * tables) and on a night (staging), in unquoted and quoted records alike.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../src/store/db.js';
import { DumpRowsError, runSync } from '../../../src/sync/index.js';
import { freshDb } from '../../helpers/db.js';
import { dump, snapshot, syncOptions } from '../../helpers/sync.js';

/**
 * night-1.csv with a control character in a value of five pupils. D3's
 * family name is quoted across two lines, so the rows after it sit one line
 * further down.
 */
function writeControlDump(file: string): string {
  const [header, d1, d2a, d2b, d3, d4, d5] = readFileSync(dump('valid/night-1.csv'), 'utf8')
    .trimEnd()
    .split('\n') as string[];
  const rows = [
    header,
    d1?.replace('Janssens', 'Jans\u0000sens'),
    d2a?.replace('Milan', '\u001b[31mMilan'),
    d2b?.replace('Milan', '\u001b[31mMilan'),
    d3?.replace('Vermeulen', '"Ver\nmeulen"'),
    d4?.replace('Arthur', 'Art\thur'),
    d5?.replace('4C', '4\u009bC').replace('Atheneum', 'Atheneum\u007f'),
  ];
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

/** What the store must refuse, as line:code:column. */
const CONTROL_FAULTS = [
  '2:row.control_character:family_name',
  '3:row.control_character:given_name',
  '4:row.control_character:given_name',
  '5:row.control_character:family_name',
  '7:row.control_character:given_name',
  '8:row.control_character:institution_name',
  '8:row.control_character:administrative_group',
];

async function refusal(db: Db, file: string): Promise<DumpRowsError> {
  const error = await runSync(db, file, syncOptions()).then(
    () => new Error('the dump was applied'),
    (e: Error) => e,
  );
  expect(error).to.be.instanceOf(DumpRowsError);
  return error as DumpRowsError;
}

describe('sync: control characters in values', function () {
  let dir: string;
  let file: string;
  let db: Db;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'leerid-controls-'));
    file = writeControlDump(join(dir, 'controls.csv'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async function () {
    db = await freshDb();
  });
  afterEach(async function () {
    await db.destroy();
  });

  const asText = (error: DumpRowsError) =>
    error.faults.map((f) => `${f.line}:${f.code}:${f.column}`).sort();

  it('refuses them on a first import, naming file, line and column; the store stays empty', async function () {
    const error = await refusal(db, file);

    expect(asText(error)).to.deep.equal([...CONTROL_FAULTS].sort());
    expect(error.message).to.contain(`${file}: 7 invalid row(s): line 2: row.control_character`);
    expect(Number((await db('pupils').count({ n: '*' }))[0]?.n)).to.equal(0);
    const run = await db('sync_runs').orderBy('id', 'desc').first();
    expect(run).to.deep.include({ outcome: 'refused', error_code: 'dump.row_invalid' });
  });

  it('refuses them on a night, the store left as it was', async function () {
    await runSync(db, dump('valid/night-1.csv'), syncOptions());
    const before = await snapshot(db);

    const error = await refusal(db, file);

    expect(asText(error)).to.deep.equal([...CONTROL_FAULTS].sort());
    expect(await snapshot(db)).to.deep.equal(before);
    const run = await db('sync_runs').orderBy('id', 'desc').first();
    expect(run).to.deep.include({ outcome: 'refused', error_code: 'dump.row_invalid' });
  });
});
