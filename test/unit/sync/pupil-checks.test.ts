import { expect } from 'chai';
import { AscendingIds, GroupingProof } from '../../../src/sync/grouping.js';
import { checkPupilRun } from '../../../src/sync/pupil-checks.js';
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

function check(run: StagedRow[], runHash: string | null = 'h1') {
  const faults = new FaultList();
  checkPupilRun(run, runHash, '2026-12-03', faults);
  return faults.sorted();
}

describe('checkPupilRun', () => {
  beforeEach(() => {
    line = 1;
  });

  it('flags the first row of the pupil, whether any row is current, and its run hash', () => {
    const run = [row('D1', { endDate: '2026-11-30' }), row('D1', { institutionNumber: '100002' })];
    expect(check(run)).to.deep.equal([]);
    expect(run.map((r) => [r.pupilFirst, r.pupilHasCurrent, r.runHash])).to.deep.equal([
      [1, 1, 'h1'],
      [0, 0, undefined],
    ]);

    const ended = [row('D2', { endDate: '2026-11-30' })];
    check(ended);
    expect(ended[0]?.pupilHasCurrent).to.equal(0);
  });

  it('finds a duplicate enrolment and a disagreeing pupil row within a pupil', () => {
    const faults = check([
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
});

describe('GroupingProof', () => {
  it('notices a pupil whose rows are not together', () => {
    const proof = new GroupingProof(100);
    expect([proof.runOf('D1'), proof.runOf('D2'), proof.runOf('D1')]).to.deep.equal([
      true,
      true,
      false,
    ]);
    expect(proof.grouped).to.equal(false);
  });

  it('stays grouped over many distinct pupils (no false alarms at this size)', () => {
    const proof = new GroupingProof(50_000);
    for (let i = 0; i < 50_000; i++) proof.runOf(`D${i}`);
    expect(proof.grouped).to.equal(true);
  });
});

describe('AscendingIds', () => {
  it('holds while ids rise and fails for good at the first that does not', () => {
    const proof = new AscendingIds();
    for (const id of ['D001', 'D002', 'D010']) proof.runOf(id);
    expect(proof.grouped).to.equal(true);
    proof.runOf('D003');
    expect(proof.grouped).to.equal(false);
    proof.runOf('D011');
    expect(proof.grouped).to.equal(false);
  });

  it('counts an id repeated at once as out of order', () => {
    const proof = new AscendingIds();
    proof.runOf('D1');
    proof.runOf('D1');
    expect(proof.grouped).to.equal(false);
  });
});
