import { expect } from 'chai';
import { PupilRuns } from '../../../src/sync/pupil-runs.js';
import { FaultList } from '../../../src/sync/row-faults.js';
import type { StagedRow } from '../../../src/sync/validate-row.js';

let line = 1;
function row(discimusId: string, changes: Partial<StagedRow> = {}): StagedRow {
  line++;
  return {
    line,
    discimusId,
    institutionNumber: '100001',
    locationNumber: '200001',
    startDate: '2026-09-01',
    endDate: null,
    pupilHash: `hash-${discimusId}`,
    pupilFirst: 0,
    pupilHasCurrent: 0,
    ...changes,
  } as StagedRow;
}

function runAll(rows: StagedRow[]) {
  const faults = new FaultList();
  const emitted: StagedRow[] = [];
  const runs = new PupilRuns(100, '2026-12-03', faults, (r) => emitted.push(r));
  for (const r of rows) runs.push(r);
  runs.finish();
  return { runs, faults: faults.sorted(), emitted };
}

describe('PupilRuns', () => {
  beforeEach(() => {
    line = 1;
  });

  it('flags the first row of each pupil and whether any of its rows is current', () => {
    const { runs, emitted } = runAll([
      row('D1', { endDate: '2026-11-30' }),
      row('D1', { institutionNumber: '100002' }),
      row('D2', { endDate: '2026-11-30' }),
    ]);
    expect(runs.grouped).to.equal(true);
    expect(emitted.map((r) => [r.discimusId, r.pupilFirst, r.pupilHasCurrent])).to.deep.equal([
      ['D1', 1, 1],
      ['D1', 0, 0],
      ['D2', 1, 0],
    ]);
  });

  it('finds a duplicate enrolment and a disagreeing pupil row within a pupil', () => {
    const { faults } = runAll([
      row('D1'),
      row('D1', { pupilHash: 'other' }),
      row('D1', { institutionNumber: '100002' }),
      row('D1', { institutionNumber: '100002' }),
    ]);
    expect(faults).to.deep.equal([
      { line: 3, code: 'row.duplicate_enrolment', otherLine: 2 },
      { line: 3, code: 'row.pupil_conflict', otherLine: 2 },
      { line: 5, code: 'row.duplicate_enrolment', otherLine: 4 },
    ]);
  });

  it('notices a pupil whose rows are not together, and leaves the checks to SQL', () => {
    const { runs } = runAll([row('D1'), row('D2'), row('D1', { institutionNumber: '100002' })]);
    expect(runs.grouped).to.equal(false);
  });

  it('stays grouped over many distinct pupils (no false alarms at this size)', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => row(`D${i}`));
    const faults = new FaultList();
    const runs = new PupilRuns(50_000, '2026-12-03', faults, () => {});
    for (const r of rows) runs.push(r);
    runs.finish();
    expect(runs.grouped).to.equal(true);
  });
});
