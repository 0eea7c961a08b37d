import { expect } from 'chai';
import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickNewestDump } from '../../../src/sync/pick-dump.js';

function touch(dir: string, name: string, ageSeconds: number): void {
  const file = join(dir, name);
  writeFileSync(file, 'x');
  const when = Date.now() / 1000 - ageSeconds;
  utimesSync(file, when, when);
}

describe('pickNewestDump (--from DIR)', () => {
  it('picks the newest dump that has a .done marker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-from-'));
    touch(dir, 'discimus-20261201.csv.gz', 200);
    touch(dir, 'discimus-20261201.csv.gz.done', 200);
    touch(dir, 'discimus-20261202.csv.gz', 100);
    touch(dir, 'discimus-20261202.csv.gz.done', 100);
    // Newest, but still being written: no marker yet.
    touch(dir, 'discimus-20261203.csv.gz', 1);
    touch(dir, 'discimus-20261203.csv.gz.part.done', 1);

    expect(await pickNewestDump(dir)).to.equal(join(dir, 'discimus-20261202.csv.gz'));
  });

  it('fails with sync.no_dump when no dump is complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-from-'));
    touch(dir, 'discimus.csv', 1);
    const error = await pickNewestDump(dir).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'sync.no_dump');
  });

  it('passes over a complete dump that is gone, a dangling link or a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-from-'));
    touch(dir, 'discimus-20261201.csv', 200);
    touch(dir, 'discimus-20261201.csv.done', 200);
    symlinkSync(join(dir, 'nowhere'), join(dir, 'zz.csv'));
    touch(dir, 'zz.csv.done', 1);
    mkdirSync(join(dir, 'yy.csv'));
    touch(dir, 'yy.csv.done', 1);

    expect(await pickNewestDump(dir)).to.equal(join(dir, 'discimus-20261201.csv'));
  });

  it('takes upper-case names, and no dump rewritten after its marker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leerid-from-'));
    touch(dir, 'OLD.CSV', 300);
    touch(dir, 'OLD.CSV.done', 300);
    // Rewritten in place after the marker of an earlier export.
    touch(dir, 'new.csv.done', 200);
    touch(dir, 'new.csv', 100);

    expect(await pickNewestDump(dir)).to.equal(join(dir, 'OLD.CSV'));
  });
});
