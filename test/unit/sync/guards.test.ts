import { expect } from 'chai';
import { assertPlausible, evaluateGuards } from '../../../src/sync/guards.js';

const base = { activeBefore: 1000, enrolmentsEnded: 10, rows: 1000, previousRows: 1000 };
const limits = { maxEndedShare: 0.05, minSizeRatio: 0.9 };

describe('plausibility guards', () => {
  it('allows a dump that ends 5% of active enrolments exactly', () => {
    const verdict = evaluateGuards({ ...base, ...limits, enrolmentsEnded: 50 });
    expect(verdict.problems).to.deep.equal([]);
  });

  it('rejects a dump that ends more than the allowed share', () => {
    const verdict = evaluateGuards({ ...base, ...limits, enrolmentsEnded: 51 });
    expect(verdict.problems).to.have.length(1);
    expect(() => assertPlausible(verdict, false))
      .to.throw()
      .with.property('code', 'sync.implausible');
  });

  it('names a share just over the limit with enough decimals to differ from it', () => {
    const verdict = evaluateGuards({
      ...base,
      ...limits,
      activeBefore: 3032,
      enrolmentsEnded: 152,
    });
    expect(verdict.problems[0]).to.contain('(5.01%, more than the allowed 5.00%)');
  });

  it('rejects a dump much smaller than the last applied one', () => {
    const verdict = evaluateGuards({ ...base, ...limits, rows: 899 });
    expect(verdict.sizeRatio).to.equal(0.899);
    expect(verdict.problems).to.have.length(1);
  });

  it('skips the size guard when no run was applied before', () => {
    const verdict = evaluateGuards({ ...base, ...limits, rows: 1, previousRows: null });
    expect(verdict.problems).to.deep.equal([]);
  });

  it('lets --force pass an implausible dump', () => {
    const verdict = evaluateGuards({ ...base, ...limits, enrolmentsEnded: 900, rows: 10 });
    expect(verdict.problems).to.have.length(2);
    expect(() => assertPlausible(verdict, true)).to.not.throw();
  });
});
